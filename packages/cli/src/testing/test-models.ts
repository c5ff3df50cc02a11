// The generated models the CLI tests run on (random weights, real tokenizers and templates),
// written once by the global setup into the repository's .cache/test-models.
import { DEEPSEEK_R1_REASONER_MODEL, QWEN_CHAT_MODEL, ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';

export const testModels = {
  /** Qwen2 with the real Qwen 2.5 vocabulary and chat template (the chat package's chat model). */
  chat: QWEN_CHAT_MODEL,
  /** The same family, scripted: every reply is "Hello there!", then end of turn. */
  hello: {
    architecture: 'qwen2',
    vocab: 'qwen2',
    chatTemplate: 'Qwen-Qwen2.5-7B-Instruct',
    size: 'tiny',
    seed: 22,
    script: { emit: ['Hello there!'] },
  },
  /** DeepSeek R1's template, scripted to reason, then answer. */
  thinker: DEEPSEEK_R1_REASONER_MODEL,
  /**
   * Scripted to repeat " la" without end, with a 32k-token context: a reply that streams for
   * seconds (until Ctrl-C stops it).
   */
  endless: {
    architecture: 'qwen2',
    vocab: 'qwen2',
    chatTemplate: 'Qwen-Qwen2.5-7B-Instruct',
    size: { embeddingLength: 64, blockCount: 2, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 32768 },
    seed: 23,
    script: { emit: [' la'], then: ' la' },
  },
} satisfies Record<string, TestModelOptions>;

export type TestModelName = keyof typeof testModels;

/** The path of a test model (written on first use). */
export function testModelPath(name: TestModelName): Promise<string> {
  return ensureTestModel(testModels[name]);
}
