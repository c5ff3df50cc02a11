// No illegal instruction on any x86-64 CPU: generation under QEMU's user-mode emulation of CPUs
// without AVX (Nehalem), with AVX only (Sandy Bridge) and with AVX2 (Haswell). The CPU is asked
// through cpuid, which QEMU answers for the emulated model (/proc/cpuinfo would still describe
// the host), so each run must pick the best level the emulated CPU has and generate what the
// host generates at that level; a level or package it cannot run is a typed error.
import { ensureTestModel } from '@gpt4all/test-models';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generationScript, parseOutcome, type ChildOutcome } from './support/child-generation.js';
import { repoRoot } from './support/llama-tools.js';

const qemu = '/usr/bin/qemu-x86_64-static';
const prompt = 'The quick brown fox';

/** Every CPU level in the built linux-x64 CPU packages, with its features. */
const installedLevels = readdirSync(join(repoRoot, 'packages'))
  .filter((name) => name.startsWith('core-linux-x64-cpu-') && existsSync(join(repoRoot, 'packages', name, 'native.json')))
  .flatMap((name) => (JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'native.json'), 'utf8')) as { cpuLevels: { name: string; features: string[] }[] }).cpuLevels);

const script = generationScript({ prompt, maxTokens: 16, contextSize: 128, threads: 1 });

/** Runs the generation under QEMU emulating `cpu` (or natively when `cpu` is undefined). */
function run(cpu: string | undefined, model: string, env: Record<string, string> = {}): ChildOutcome {
  const node = [process.execPath, '-e', script, model];
  const [command, ...args] = cpu ? [qemu, '-cpu', cpu, ...node] : node;
  const child = spawnSync(command!, args, { encoding: 'utf8', timeout: 240_000, env: { ...process.env, GPT4ALL_BACKEND: '', ...env } });
  // A signal here (SIGILL) is exactly the failure this test exists for.
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return parseOutcome(child.stdout);
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('generation under emulated x86-64 CPUs', () => {
  it('has QEMU (scripts/setup.sh installs qemu-user-static)', () => {
    expect(existsSync(qemu)).toBe(true);
  });

  it.each([
    ['Nehalem', ['sse42'], ['avx', 'avx2']],
    ['SandyBridge', ['sse42', 'avx'], ['f16c', 'avx2']],
    ['Haswell', ['avx', 'f16c', 'fma', 'avx2', 'bmi2'], ['avx512']],
  ])('%s: picks the best level it has and generates what the host does at that level', async (cpu, has, lacks) => {
    const model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 31 });
    const emulated = run(cpu, model);
    expect(emulated.error).toBeUndefined();
    expect(emulated.features).toEqual(expect.arrayContaining(has));
    for (const feature of lacks) expect(emulated.features).not.toContain(feature);
    // The best installed level whose features the emulated CPU has all of.
    const fits = installedLevels.filter((l) => l.features.every((f) => emulated.features!.includes(f)));
    const best = fits.reduce((a, b) => (b.features.length > a.features.length ? b : a));
    expect(emulated.level).toBe(best.name);
    const host = run(undefined, model, { GPT4ALL_CPU_LEVEL: best.name });
    expect(host.level).toBe(best.name);
    expect(emulated.text).toBe(host.text);
    expect(emulated.text!.length).toBeGreaterThan(10);
  });

  it('refuses, with a typed error, CPU code the emulated CPU cannot run', async () => {
    const model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 31 });
    // The cpu-avx2 package alone has no level for a CPU without AVX2.
    const avx2Only = run('SandyBridge', model, { GPT4ALL_BACKEND: 'cpu-avx2' });
    expect(avx2Only.error).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringMatching(/none of the installed CPU levels \(.*haswell.*\) runs on this CPU \(it has: sse42, avx\)/) });
    const forced = run('Nehalem', model, { GPT4ALL_CPU_LEVEL: 'sandybridge' });
    expect(forced.error).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringContaining("this CPU cannot run CPU level 'sandybridge' (it has: sse42)") });
  });
});
