// The generated models the chat tests run on (random weights, real tokenizers). Each is written
// once into the repository's .cache/test-models and shared by every test file and example.
import { DEEPSEEK_R1_REASONER_MODEL, QWEN_CHAT_MODEL, ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';

export const testModels = {
  /** Qwen2 with the real Qwen 2.5 vocabulary and chat template: the chat model. */
  chat: QWEN_CHAT_MODEL,
  /** LLaMA with the Llama 3 vocabulary and chat template (which trims every message). */
  llama3: { architecture: 'llama', vocab: 'llama-bpe', chatTemplate: 'meta-llama-Llama-3.1-8B-Instruct', size: 'tiny', seed: 6 },
  /** DeepSeek R1's template, scripted to reason, then answer. */
  deepseekR1: DEEPSEEK_R1_REASONER_MODEL,
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
