// Greedy generation on the vulkan variant, every layer offloaded, must match the cpu-avx2
// variant token for token on the same generated model. Runs only where the vulkan addon is built
// (`bash scripts/setup-vulkan-toolchain.sh && pnpm build:native --variant vulkan`).
//
// Without a GPU it runs on lavapipe, Mesa's CPU Vulkan driver. ggml-vulkan skips CPU-type Vulkan
// devices unless GGML_VK_VISIBLE_DEVICES names them, so when no driver is chosen already the test
// points the Vulkan loader at lavapipe only and names device 0. @gpt4all/core does not depend on
// the GPU packages, so the generations run in a child process that finds the vulkan package
// through NODE_PATH.
import { ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodePathWithPlatformPackage } from './support/node-path.js';

const root = resolve(__dirname, '..');
const vulkanPackage = join(root, 'packages/core-linux-x64-vulkan');
const addon = join(vulkanPackage, 'gpt4all.linux-x64-vulkan.node');
const lavapipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

const models: Record<string, TestModelOptions> = {
  'llama (SentencePiece)': { architecture: 'llama', vocab: 'llama-spm', seed: 11 },
  'llama (BPE)': { architecture: 'llama', vocab: 'llama-bpe', seed: 12 },
  qwen2: { architecture: 'qwen2', vocab: 'qwen2', seed: 13 },
};
const prompts = ['The quick brown fox', 'Once upon a time, in a land far away,', 'def fibonacci(n):\n    '];
const maxTokens = 32;

// Generates greedily for every prompt on one backend, `alone` (one context, cleared between
// prompts) or `together` (one context of several sequences, continuous batching); prints the
// devices and results as JSON. One context per process: on lavapipe, a process that creates a
// second context (a plain one-sequence context too) aborts in some runs with heap corruption in
// lavapipe's queue thread, which is the driver's (or ggml-vulkan's), not what this test checks.
const generate = `
import { listDevices, loadModel } from '@gpt4all/core';
const [path, backend, maxTokens, mode, ...prompts] = process.argv.slice(1);
const model = await loadModel(path, { backend, gpuLayers: backend === 'vulkan' ? 'max' : 0 });
const options = { maxTokens: Number(maxTokens), temperature: 0 };
let results;
if (mode === 'alone') {
  const context = await model.createContext({ contextSize: 512, threads: 2 });
  results = [];
  for (const prompt of prompts) {
    await context.clear();
    const { text, tokens } = await context.generate(prompt, options);
    results.push({ text, tokens });
  }
} else {
  const pooled = await model.createContext({ contextSize: 512, threads: 2, parallel: prompts.length });
  results = (await Promise.all(prompts.map((prompt) => pooled.generate(prompt, options)))).map(({ text, tokens }) => ({ text, tokens }));
}
await model.dispose();
process.stdout.write(JSON.stringify({ devices: listDevices(), results }));
`;

type Generated = { text: string; tokens: number[] }[];

function run(path: string, backend: string, mode: 'alone' | 'together'): { devices: { kind: string; backend: string }[]; results: Generated } {
  const driver: Record<string, string> = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES || !existsSync(lavapipe) ? {} : { VK_DRIVER_FILES: lavapipe, GGML_VK_VISIBLE_DEVICES: '0' };
  const env = { ...process.env, ...driver, GPT4ALL_BACKEND: backend, NODE_PATH: nodePathWithPlatformPackage('vulkan') };
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', generate, path, backend, String(maxTokens), mode, ...prompts], { cwd: __dirname, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out);
}

describe.skipIf(process.platform !== 'linux' || !existsSync(addon))('vulkan greedy parity with cpu-avx2', () => {
  it.each(Object.entries(models))('%s', async (_name, options) => {
    const path = await ensureTestModel(options);
    const cpu = run(path, 'cpu-avx2', 'alone');
    const vulkan = run(path, 'vulkan', 'alone');
    // Sequences generated together give what one context gives alone, on both backends.
    const cpuTogether = run(path, 'cpu-avx2', 'together');
    const vulkanTogether = run(path, 'vulkan', 'together');
    expect(vulkan.devices.some((d) => d.backend === 'Vulkan' && (d.kind === 'gpu' || d.kind === 'igpu'))).toBe(true);
    for (const [i, prompt] of prompts.entries()) {
      expect(vulkan.results[i]!.tokens, prompt).toEqual(cpu.results[i]!.tokens);
      expect(vulkan.results[i]!.text, prompt).toBe(cpu.results[i]!.text);
      expect(new Set(cpu.results[i]!.tokens).size, prompt).toBeGreaterThan(8);
      expect(cpuTogether.results[i]!.tokens, prompt).toEqual(cpu.results[i]!.tokens);
      expect(vulkanTogether.results[i]!.tokens, prompt).toEqual(cpu.results[i]!.tokens);
    }
  });
});
