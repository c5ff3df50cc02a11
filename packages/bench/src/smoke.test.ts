// Runs the whole harness on tiny sizes, as `pnpm bench` would (built CLI, engine processes,
// llama.cpp's tools), and checks that every figure came out as a finite number. The full
// benchmark is `pnpm bench`; this only keeps the harness from rotting.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from './results.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gpt4all-bench-smoke-'));
let results: BenchResults;
let printed: string;

/** Paths of every value in `value` that is not a finite number, a string or a boolean (NaN is written as null). */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (typeof value === 'string' || typeof value === 'boolean') return [];
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinite(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => nonFinite(v, path ? `${path}.${k}` : k));
}

beforeAll(() => {
  printed = execFileSync(process.execPath, [cli, '--profile', 'smoke', '--out', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResults;
}, 900_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench, smoke profile', () => {
  it('measures every figure as a finite number', () => {
    const nodeLlamaCppSkipped = results.skipped.some((s) => s.startsWith('node-llama-cpp'));
    const llamaMemorySkipped = results.skipped.some((s) => s.includes('peak RSS'));
    const missing = nonFinite(results).filter(
      (path) =>
        !(nodeLlamaCppSkipped && /nodeLlamaCpp|NodeLlamaCpp/.test(path)) &&
        !(llamaMemorySkipped && path === 'memory.llamaCpp') &&
        !(results.setup.nodeLlamaCpp === null && path === 'setup.nodeLlamaCpp') &&
        // The GGML_NATIVE=ON reference runs on the big model only.
        !/^throughput\.tiny\.(pp|tg)\.(llamaCppNative|vsLlamaCppNative)$/.test(path) &&
        // Contention is unknown off Linux, and too short to read in a smoke run.
        !path.startsWith('contention['),
    );
    expect(missing).toEqual([]);
  });

  it('measures the big model spread over RPC workers against the same model local', () => {
    expect(results.rpc?.workers).toBe(2);
    expect(results.rpc?.tg.samples.length).toBeGreaterThanOrEqual(2);
    expect(results.rpc?.tgVsLocal).toBeGreaterThan(0);
    expect(printed).toMatch(/RPC workers on loopback/);
  });

  it('compares against llama.cpp built with the same flags and threads', () => {
    expect(results.setup.threads).toBeGreaterThan(0);
    expect(results.setup.cmakeFlags['GGML_NATIVE']).toBe('OFF');
    expect(results.setup.cpuLevel).toBeTruthy();
    // And against llama.cpp compiled for this CPU, on the big model.
    expect(results.throughput.big.pp.vsLlamaCppNative).toBeGreaterThan(0);
    expect(results.throughput.big.tg.vsLlamaCppNative).toBeGreaterThan(0);
    for (const figure of [results.throughput.big.pp, results.throughput.big.tg, results.throughput.tiny.tg]) {
      expect(figure.ours.samples.length).toBeGreaterThanOrEqual(2);
      expect(figure.llamaCpp.samples.length).toBeGreaterThanOrEqual(2);
      expect(figure.vsLlamaCpp).toBeGreaterThan(0);
    }
  });

  it('reuses the KV cache on the second turn', () => {
    // Timings on tiny sizes are at the mercy of the machine's load; what is cached is not.
    expect(results.ttft.secondTurnCachedTokens).toBe(results.ttft.promptTokens);
    expect(results.ttft.secondTurnNewTokens).toBeGreaterThan(0);
  });

  it('measures batched decoding through a context and through the server, against llama-batched-bench', () => {
    const { batching } = results;
    for (const figure of [batching.context, batching.server]) {
      expect(figure.ours.samples.length).toBeGreaterThanOrEqual(1);
      expect(figure.vsLlamaCpp).toBeGreaterThan(0);
    }
    expect(batching.llamaCpp.median).toBeGreaterThan(0);
    // Every stream ran its full length (end of generation is banned or checked).
    expect(results.skipped.filter((s) => s.startsWith('batching'))).toEqual([]);
  });

  it('gives two chat sessions one shared context, or a context each when they ask for a size', () => {
    expect(results.sessions.shared.contextsCreated).toBe(1);
    expect(results.sessions.own.contextsCreated).toBe(2);
    expect(results.sessions.shared.peakRssBytes).toBeGreaterThan(0);
  });

  it('checks the targets of the issue', () => {
    expect(results.targets.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^pp64: ours \/ llama-bench/), expect.stringMatching(/TTFT/), expect.stringMatching(/llama-batched-bench/)]));
  });

  it('writes and prints the Markdown table', () => {
    expect(existsSync(join(out, 'latest.md'))).toBe(true);
    expect(printed).toContain('| figure | @gpt4all/core | llama.cpp |');
    expect(printed).toContain(readFileSync(join(out, 'latest.md'), 'utf8'));
  });
});
