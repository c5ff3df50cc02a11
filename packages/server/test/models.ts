// The generated models the server tests run on (random weights, real tokenizers and chat
// templates; see @gpt4all/test-models). Each is written once into the repository's
// .cache/test-models and shared by every test file.
import { BERT_EMBEDDING_MODEL, DEEPSEEK_R1_REASONER_MODEL, LOOPING_CHAT_MODEL, QWEN_CHAT_MODEL, ensureTestModel, loadVocabulary, spellText, type TestModelOptions } from '@gpt4all/test-models';

/** A tool call in the Hermes / Qwen 2.5 format, spelled with distinct tokens so that a scripted model can say it. */
export const SCRIPTED_TOOL_CALL = '<tool_call>\n{"name": "get_weather", "arguments": {}}\n</tool_call>';

const testModels = {
  /** Qwen2 with the real Qwen 2.5 vocabulary and chat template: the chat model (random text). */
  chat: QWEN_CHAT_MODEL,
  /** The same template, scripted to answer every prompt with {@link SCRIPTED_TOOL_CALL}, then end its turn. */
  toolCaller: () => ({
    architecture: 'qwen2',
    vocab: 'qwen2',
    chatTemplate: 'Qwen-Qwen2.5-7B-Instruct',
    size: 'tiny',
    seed: 7,
    script: { emit: spellText(loadVocabulary('qwen2'), SCRIPTED_TOOL_CALL, { distinct: true, notAfter: '<|im_start|>assistant\n' }), then: '<|im_end|>' },
  }),
  /** LLaMA with a DeepSeek vocabulary and the DeepSeek R1 template, scripted to reason, then answer. */
  reasoner: DEEPSEEK_R1_REASONER_MODEL,
  /** Qwen2 scripted to say " ping pong" forever: a generation that only `max_tokens`, an abort or a full context ends. */
  looper: LOOPING_CHAT_MODEL,
  /** BERT with the BGE vocabulary: an embedding model. */
  embedder: BERT_EMBEDDING_MODEL,
} satisfies Record<string, TestModelOptions | (() => TestModelOptions)>;

export type TestModelName = keyof typeof testModels;

/** The path of a test model, written on first use. */
export function testModelPath(name: TestModelName): Promise<string> {
  const options = testModels[name];
  return ensureTestModel(typeof options === 'function' ? options() : options);
}

export const TEST_MODEL_NAMES = Object.keys(testModels) as TestModelName[];
