// Runs the Rust engine's own tests (`cargo test -p gpt4all-core`) against a generated model, and
// the napi layer's unit tests, so `pnpm test` covers the crates too. Exactness checks that JavaScript cannot make (abort
// within one token: chunks reach JS asynchronously) live there.
import { ensureTestModel } from '@gpt4all/test-models';
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { repoRoot } from './support/llama-tools.js';

// The addon's build names its target (napi does), so naming it here too shares that build of
// llama.cpp (target/<triple>/release) instead of making another.
const target = /^host: (.+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))![1]!;

it('cargo test -p gpt4all-core passes on a real model', async () => {
  const model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 1 });
  const run = spawnSync('cargo', ['test', '--release', '--target', target, '-p', 'gpt4all-core', '--features', 'cpu-avx2'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, GPT4ALL_TEST_MODEL: model },
  });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  const passed = [...output.matchAll(/test result: ok\. (\d+) passed/g)].reduce((n, m) => n + Number(m[1]), 0);
  expect(passed).toBeGreaterThanOrEqual(6);
  expect(output).not.toContain('skipping');
});

it('cargo test -p gpt4all-node passes (the napi layer\'s own logic, such as chunk batching)', () => {
  const run = spawnSync('cargo', ['test', '--release', '--target', target, '-p', 'gpt4all-node', '--features', 'cpu-avx2', '--lib'], { cwd: repoRoot, encoding: 'utf8' });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/test result: ok\. [1-9]\d* passed/);
});
