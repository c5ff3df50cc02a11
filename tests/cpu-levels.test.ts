// Every CPU level the installed CPU packages carry, forced one at a time where this CPU can run
// it, generates greedily token for token what llama.cpp's llama-completion built for that level
// (scripts/build-llama-tools.mjs --cpu-level) generates. Levels this CPU cannot run are refused
// with a typed error instead of crashing.
import { backendInfo, quantize } from '@gpt4all/core';
import { ensureTestModel } from '@gpt4all/test-models';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generationScript, parseOutcome, runLlamaCompletion, type ChildOutcome } from './support/child-generation.js';
import { llamaToolsBin } from './support/llama-tools.js';

const { candidates } = backendInfo().cpu!;
const runnable = candidates.filter((c) => c.score > 0).map((c) => c.name);
const unrunnable = candidates.filter((c) => c.score === 0).map((c) => c.name);
const prompt = 'Once upon a time, in a land far away,';
const maxTokens = 32;
const spec = { prompt, maxTokens, contextSize: 256, threads: 2 };

/**
 * A Q4_0 model wide enough for the quantized matrix-product kernels of every level (AMX's tiles
 * take rows of 32 and blocks of 256): the path that a compiler's bug broke at the AMX level.
 */
async function quantizedModel(): Promise<string> {
  const f32 = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 23, size: { embeddingLength: 256, blockCount: 2, headCount: 4, headCountKv: 2, feedForwardLength: 512, contextLength: 2048 } });
  const q4 = f32.replace(/\.gguf$/, '.q4_0.gguf');
  if (!existsSync(q4)) await quantize(f32, q4, 'Q4_0', { threads: 2 });
  return q4;
}

/** Greedy generation in a child process with the CPU level forced. */
function generateAt(level: string, model: string): ChildOutcome {
  const run = spawnSync(process.execPath, ['-e', generationScript(spec), model], { encoding: 'utf8', env: { ...process.env, GPT4ALL_BACKEND: '', GPT4ALL_CPU_LEVEL: level } });
  expect(run.status, run.stderr).toBe(0);
  return parseOutcome(run.stdout);
}

function llamaCompletion(level: string, model: string): string {
  return runLlamaCompletion([join(llamaToolsBin({ cpuLevel: level }, ['llama-completion']), 'llama-completion')], model, spec);
}

// The references first, outside any test's timeout: on a cold ccache the first level's build
// compiles llama.cpp's common library (about 5 minutes on 2 cores), each later one only ggml-cpu.
beforeAll(() => {
  for (const level of runnable) llamaToolsBin({ cpuLevel: level }, ['llama-completion']);
}, 1_800_000);

describe('CPU levels', () => {
  it('finds at least the baseline level and one this CPU runs', () => {
    expect(runnable).toContain('x64');
    expect(runnable.length).toBeGreaterThan(0);
  });

  describe.each(runnable)('%s, forced', (level) => {
    it.each([
      ['llama (SentencePiece)', { architecture: 'llama', vocab: 'llama-spm', seed: 21 }],
      ['qwen2 (F16)', { architecture: 'qwen2', vocab: 'qwen2', seed: 22, fileType: 'F16' }],
      ['llama (Q4_0)', 'q4_0'],
    ] as const)('matches llama-completion built for %s', async (_name, options) => {
      const model = options === 'q4_0' ? await quantizedModel() : await ensureTestModel(options);
      const ours = generateAt(level, model);
      expect(ours.error).toBeUndefined();
      expect(ours.level).toBe(level);
      expect(ours.text).toBe(llamaCompletion(level, model));
      expect(new Set(ours.text!.split(' ')).size).toBeGreaterThan(4);
    });
  });

  it.runIf(unrunnable.length > 0)('refuses a level this CPU cannot run with a BackendError that says why', async () => {
    const model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 21 });
    const { error } = generateAt(unrunnable[0]!, model);
    expect(error).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringContaining(`this CPU cannot run CPU level '${unrunnable[0]}'`) });
  });
});
