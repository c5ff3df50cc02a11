// The generated models these tests run on (random weights, real tokenizers and chat templates;
// see @gpt4all/test-models), shared with the other packages' tests through .cache/test-models.
import { BERT_EMBEDDING_MODEL, DEEPSEEK_R1_REASONER_MODEL, LOOPING_CHAT_MODEL, QWEN_CHAT_MODEL, ensureTestModel } from '@gpt4all/test-models';

export const testModels = {
  /** Qwen2 with the real Qwen 2.5 vocabulary and chat template: random replies, Hermes-style tool calls. */
  chat: QWEN_CHAT_MODEL,
  /** DeepSeek R1's template, scripted to reason, then answer. */
  reasoner: DEEPSEEK_R1_REASONER_MODEL,
  /** Says " ping pong" until stopped. */
  looper: LOOPING_CHAT_MODEL,
  /** BERT: an embedding model. */
  embedder: BERT_EMBEDDING_MODEL,
};

export type TestModelName = keyof typeof testModels;

export function testModelPath(name: TestModelName): Promise<string> {
  return ensureTestModel(testModels[name]);
}

/** One thread per context: the test machine has two shared cores (see @gpt4all/chat's tests). */
export const loadOptions = { threads: 1, catalog: false } as const;
