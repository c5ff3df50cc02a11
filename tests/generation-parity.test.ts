// Greedy generation through @gpt4all/core must be token-for-token what llama.cpp's own
// llama-completion produces, built from the same vendored source for the same CPU level (the one
// the addon chose here), on the same generated model. Both print the concatenated token pieces, so equal text means equal tokens.
import { ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';
import { backendInfo, loadModel } from '@gpt4all/core';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llamaCompletionArgs } from './support/child-generation.js';
import { llamaToolsBin } from './support/llama-tools.js';

const models: Record<string, TestModelOptions> = {
  'llama (SentencePiece)': { architecture: 'llama', vocab: 'llama-spm', seed: 11 },
  'llama (BPE)': { architecture: 'llama', vocab: 'llama-bpe', seed: 12 },
  qwen2: { architecture: 'qwen2', vocab: 'qwen2', seed: 13 },
  phi3: { architecture: 'phi3', vocab: 'phi-3', seed: 14 },
  gpt2: { architecture: 'gpt2', vocab: 'gpt-2', seed: 15 },
  mpt: { architecture: 'mpt', vocab: 'mpt', seed: 16 },
  falcon: { architecture: 'falcon', vocab: 'falcon', seed: 17 },
  starcoder: { architecture: 'starcoder', vocab: 'starcoder', seed: 18 },
  'gptj (GPT4All-J)': { architecture: 'gptj', vocab: 'gpt-2', seed: 19 },
  // Replit's code models: MPT with a SentencePiece vocabulary.
  'replit (mpt, SentencePiece)': { architecture: 'mpt', vocab: 'llama-spm', seed: 20 },
};
const prompts = ['The quick brown fox', 'Once upon a time, in a land far away,', 'def fibonacci(n):\n    ', 'Ünïcödé: 日本語と🦙'];
const maxTokens = 64;

/** Runs llama-completion greedily and returns the generated text and whether it hit end-of-generation. */
function llamaCompletion(model: string, prompt: string): { text: string; endOfGeneration: boolean } {
  const bin = llamaToolsBin({ cpuLevel: backendInfo().cpu!.level });
  const out = execFileSync(
    join(bin, 'llama-completion'),
    llamaCompletionArgs(model, { prompt, maxTokens, contextSize: 512, threads: 2 }),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  // llama-completion ends its output with "\n\n", after " [end of text]\n" when the model stopped.
  expect(out.endsWith('\n\n')).toBe(true);
  let text = out.slice(0, -2);
  const marker = ' [end of text]\n';
  const endOfGeneration = text.endsWith(marker);
  if (endOfGeneration) text = text.slice(0, -marker.length);
  return { text, endOfGeneration };
}

describe.each(Object.entries(models))('greedy parity with llama-completion: %s', (_name, options) => {
  it.each(prompts)('%j', async (prompt) => {
    const path = await ensureTestModel(options);
    const reference = llamaCompletion(path, prompt);
    const model = await loadModel(path);
    const context = await model.createContext({ contextSize: 512, threads: 2 });
    const ours = await context.generate(prompt, { maxTokens, temperature: 0, repeatPenalty: 1 } /* llama-completion's greedy: no repeat penalty */);
    await model.dispose();
    expect(ours.text).toBe(reference.text);
    expect(ours.finishReason).toBe(reference.endOfGeneration ? 'eog' : 'length');
    // A parity test on a model that repeats one token would prove little.
    expect(new Set(ours.tokens).size).toBeGreaterThan(8);
  });
});
