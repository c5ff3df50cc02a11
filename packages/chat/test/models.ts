// The generated models the chat tests run on (random weights, real tokenizers). Each is written
// once into the repository's .cache/test-models and shared by every test file and example.
import { ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';

export const testModels = {
  /** Qwen2 with the real Qwen 2.5 vocabulary and chat template: the chat model. */
  chat: { architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen2.5-7B-Instruct', size: 'tiny', seed: 21 },
  /** LLaMA with the SentencePiece vocabulary and no chat template. */
  plain: { architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 1 },
  /** BERT wide enough that 128 dimensions are a real cut, with a 512-token context. */
  bert: {
    architecture: 'bert',
    vocab: 'bert-bge',
    size: { embeddingLength: 256, blockCount: 2, headCount: 4, headCountKv: 4, feedForwardLength: 512, contextLength: 512 },
    seed: 3,
  },
} satisfies Record<string, TestModelOptions>;

export type TestModelName = keyof typeof testModels;

export function testModelPath(name: TestModelName): Promise<string> {
  return ensureTestModel(testModels[name]);
}
