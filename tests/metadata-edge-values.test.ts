// Bad metadata must never kill the process (README: "bad files never crash the process"). For
// a tiny model of every test architecture, every numeric key the file holds is set to edge
// values (0, 1, the type's extremes, -1, just above each documented limit, NaN and infinities),
// and keys llama.cpp reads but the file lacks are added with values that break their
// invariants (see support/metadata-edge-cases.ts). Each file is loaded normally and with
// vocabOnly in a child process that also tokenizes, creates a context, evaluates and generates
// (or embeds), so an abort() inside llama.cpp is recorded as a crash instead of ending the run.
// Each load must end as a working model or a typed error; a rejection by the engine's own
// metadata rules (ERR_INVALID_GGUF) must name the key (unless the value moves the tensor data:
// then the structural check names the misplaced tensor).
import { ENGINE_ERROR_CODES } from '@gpt4all/core';
import { ARCHITECTURE_NAMES, ensureTestModel, getArchitecture, type ArchitectureName, type ModelDims } from '@gpt4all/test-models';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufSource, writeGgufWithKv } from './support/gguf-source.js';
import { LoadRunner, onRunners, type LoadOutcome } from './support/load-runner.js';
import { metadataEdgeCases, type MetadataEdgeCase } from './support/metadata-edge-cases.js';

/** Small enough that a copy of the model is a few MB (the vocabulary dominates). */
const EDGE_MODEL_SIZE: ModelDims = { embeddingLength: 16, blockCount: 2, headCount: 2, headCountKv: 1, feedForwardLength: 32, contextLength: 128 };
/**
 * Each architecture's usual vocabulary, except Qwen2's: llama.cpp takes seven times as long to
 * load its 152k tokens as LLaMA's 32k, for hundreds of loads. DeepSeek Coder's is a 32k BPE
 * vocabulary with a pre-tokenizer no other case uses.
 */
const EDGE_MODEL_VOCAB: Partial<Record<ArchitectureName, string>> = { qwen2: 'deepseek-coder' };

function edgeModel(architecture: ArchitectureName): Promise<string> {
  return ensureTestModel({ architecture, vocab: EDGE_MODEL_VOCAB[architecture], size: EDGE_MODEL_SIZE, fileType: 'F16', seed: 11 });
}
/** A tiny model loads in well under a second; a load still running after this has hung. */
const LOAD_TIMEOUT_MS = 30_000;
/** Every code the engine reports (generated from crates/core). */
const ENGINE_CODES: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);

interface Attempt {
  label: string;
  key: string;
  mustNameKey: boolean;
  vocabOnly: boolean;
  outcome: LoadOutcome;
}

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-metadata-edges-'));
const runners = Array.from({ length: Math.min(2, availableParallelism()) }, () => new LoadRunner());
const totals = { files: 0, loads: 0, ok: 0, crashes: 0, hangs: 0, codes: new Map<string, number>() };

afterAll(() => {
  for (const runner of runners) runner.close();
  rmSync(dir, { recursive: true, force: true });
  const codes = [...totals.codes].map(([code, n]) => `${code} ${n}`).join(', ');
  console.log(`metadata edge values, all architectures: ${totals.files} files, ${totals.loads} loads: ${totals.ok} loaded, rejected by code: ${codes || 'none'}; ${totals.crashes} crashes, ${totals.hangs} hangs`);
});

function show(a: Attempt): string {
  const mode = a.vocabOnly ? ' [vocabOnly]' : '';
  const o = a.outcome;
  switch (o.kind) {
    case 'ok':
      return `${a.label}${mode}: loaded`;
    case 'error':
      return `${a.label}${mode}: ${o.code ?? o.name ?? 'untyped'} at ${o.stage}: ${o.message}`;
    case 'crash': {
      const assertion = o.stderr.split('\n').find((l) => /GGML_ASSERT|GGML_ABORT|error|terminate/i.test(l))?.trim();
      return `${a.label}${mode}: crash at ${o.stage} (${o.signal ?? `exit ${o.exitCode}`})${assertion ? `: ${assertion}` : ''}`;
    }
    case 'hang':
      return `${a.label}${mode}: no answer within ${o.timeoutMs} ms, at ${o.stage}`;
  }
}

async function loadBoth(runner: LoadRunner, path: string, embedding: boolean, edge: Omit<MetadataEdgeCase, 'kv'>): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (const vocabOnly of [false, true]) {
    const { label, key, mustNameKey } = edge;
    attempts.push({ label, key, mustNameKey, vocabOnly, outcome: await runner.run({ path, vocabOnly, embedding }, LOAD_TIMEOUT_MS) });
  }
  return attempts;
}

describe('numeric metadata at edge values: a working model or a typed error, never a crash or a hang', () => {
  beforeAll(async () => {
    for (const architecture of ARCHITECTURE_NAMES) await edgeModel(architecture);
  });

  it.each(ARCHITECTURE_NAMES)('%s', async (architecture: ArchitectureName) => {
    const spec = getArchitecture(architecture);
    const valid = await edgeModel(architecture);
    const source = readGgufSource(valid);
    const cases = metadataEdgeCases(source.header, spec.name);

    // The unedited model works in the runner: a runner that fails everything proves nothing.
    const control = await loadBoth(runners[0]!, valid, spec.embeddingOnly, { label: `${architecture} unedited`, key: '', mustNameKey: false });
    expect(control.map(show)).toEqual(control.map((a) => `${a.label}${a.vocabOnly ? ' [vocabOnly]' : ''}: loaded`));

    const attempts = (
      await onRunners(runners, cases, async (runner, edge, i) => {
        const path = join(dir, `${architecture}-${i}.gguf`);
        writeGgufWithKv(path, source, edge.kv);
        try {
          return await loadBoth(runner, path, spec.embeddingOnly, edge);
        } finally {
          rmSync(path, { force: true });
        }
      })
    ).flat();

    const ok = attempts.filter((a) => a.outcome.kind === 'ok');
    const crashes = attempts.filter((a) => a.outcome.kind === 'crash');
    const hangs = attempts.filter((a) => a.outcome.kind === 'hang');
    const errors = attempts.flatMap((a) => (a.outcome.kind === 'error' ? [{ ...a, outcome: a.outcome }] : []));
    const codes = new Map<string, number>();
    for (const e of errors) codes.set(e.outcome.code ?? 'untyped', (codes.get(e.outcome.code ?? 'untyped') ?? 0) + 1);
    totals.files += cases.length;
    totals.loads += attempts.length;
    totals.ok += ok.length;
    totals.crashes += crashes.length;
    totals.hangs += hangs.length;
    for (const [code, n] of codes) totals.codes.set(code, (totals.codes.get(code) ?? 0) + n);
    console.log(
      `${architecture}: ${cases.length} files, ${attempts.length} loads: ${ok.length} loaded, rejected by code: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}; ${crashes.length} crashes, ${hangs.length} hangs`,
    );
    for (const a of [...crashes, ...hangs]) console.log(`  ${show(a)}`);

    expect([...crashes, ...hangs].map(show)).toEqual([]);
    const untyped = errors.filter((e) => !ENGINE_CODES.has(e.outcome.code ?? '') || e.outcome.message.trim() === '');
    expect(untyped.map(show)).toEqual([]);
    // The file is well-formed but for the edited value, so ERR_INVALID_GGUF is a verdict on that
    // value and must say which key it is: an abort llama.cpp was stopped from making (which
    // cannot know the key) means a range rule is missing.
    const unnamed = errors.filter((e) => e.outcome.code === 'ERR_INVALID_GGUF' && e.mustNameKey && !e.outcome.message.includes(e.key));
    expect(unnamed.map(show)).toEqual([]);
    // Edge values are not all fatal (a 0 token id is fine) and not all harmless.
    expect(ok.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
  }, 600_000);
});
