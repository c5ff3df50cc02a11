// Test models that several packages' tests run on. Defined once here so that every package
// writes (and caches) the very same file under .cache/test-models.
import { ensureTestModel } from './model-cache.js';
import type { TestModelOptions } from './test-model.js';

/** Qwen2 with the real Qwen 2.5 vocabulary and chat template: a chat model with random replies. */
export const QWEN_CHAT_MODEL = {
  architecture: 'qwen2',
  vocab: 'qwen2',
  chatTemplate: 'Qwen-Qwen2.5-7B-Instruct',
  size: 'tiny',
  seed: 21,
} satisfies TestModelOptions;

/**
 * LLaMA with a DeepSeek vocabulary and llama.cpp's DeepSeek R1 template, which drops the
 * reasoning (up to `</think>`) from replies in history; scripted to reason, then answer:
 * "Let me think", "</think>", "The answer is 4.".
 */
export const DEEPSEEK_R1_REASONER_MODEL = {
  architecture: 'llama',
  vocab: 'deepseek-coder',
  chatTemplate: 'llama-cpp-deepseek-r1',
  size: 'tiny',
  seed: 5,
  script: { emit: ['Let me think', '</think>', 'The answer is 4.'] },
} satisfies TestModelOptions;

/** Qwen2 scripted to say " ping pong" forever: a generation that only a token limit, an abort or a full context ends. */
export const LOOPING_CHAT_MODEL = {
  architecture: 'qwen2',
  vocab: 'qwen2',
  chatTemplate: 'Qwen-Qwen2.5-7B-Instruct',
  size: 'tiny',
  seed: 9,
  script: { emit: [' ping', ' pong'], then: ' ping' },
} satisfies TestModelOptions;

/** BERT with the BGE vocabulary: an embedding model GPT4All does not know (no task prefix). */
export const BERT_EMBEDDING_MODEL = { architecture: 'bert', vocab: 'bert-bge', size: 'tiny', seed: 3 } satisfies TestModelOptions;

/** The models the integration packages' tests run on (`@gpt4all/ai-sdk-provider`, `@gpt4all/langchain`). */
export const INTEGRATION_TEST_MODELS = {
  /** Random replies, Hermes-style tool calls (Qwen 2.5's template). */
  chat: QWEN_CHAT_MODEL,
  /** Reasons, then answers. */
  reasoner: DEEPSEEK_R1_REASONER_MODEL,
  /** Says " ping pong" until stopped. */
  looper: LOOPING_CHAT_MODEL,
  /** An embedding model. */
  embedder: BERT_EMBEDDING_MODEL,
} satisfies Record<string, TestModelOptions>;

/** Writes (once) and returns the path of one of {@link INTEGRATION_TEST_MODELS}. */
export function integrationTestModelPath(name: keyof typeof INTEGRATION_TEST_MODELS): Promise<string> {
  return ensureTestModel(INTEGRATION_TEST_MODELS[name]);
}
