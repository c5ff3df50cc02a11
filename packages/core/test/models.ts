// The generated models the engine tests run on. Each is written once into the repository's
// .cache/test-models (see @gpt4all/test-models) and reused by every test file and project.
import { ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const vocabDir = join(repoRoot, 'vendor/llama.cpp/models');

export const testModels = {
  /** LLaMA, SentencePiece vocab with byte fallback: multi-byte characters span tokens. */
  llamaSpm: { architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 1 },
  /** LLaMA 3-style BPE vocab. */
  llamaBpe: { architecture: 'llama', vocab: 'llama-bpe', size: 'tiny', seed: 2 },
  /** BERT with mean pooling, for embeddings. */
  bert: { architecture: 'bert', vocab: 'bert-bge', size: 'tiny', seed: 3 },
  /**
   * Scripted (greedy decoding emits exactly this): a ChatML reply, then the control token
   * `<|im_start|>` (not end-of-generation in the Qwen 2.5 vocabulary) opening an invented user turn.
   */
  scriptedChatml: {
    architecture: 'qwen2',
    vocab: 'qwen2',
    size: 'tiny',
    script: { emit: ['Sure thing', '<|im_start|>', 'user What next'] },
  },
} satisfies Record<string, TestModelOptions>;

export type TestModelName = keyof typeof testModels;

export function testModelPath(name: TestModelName): Promise<string> {
  return ensureTestModel(testModels[name]);
}
