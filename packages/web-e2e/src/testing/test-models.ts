// The generated models the web app is tried on (random weights, real Qwen 2.5 vocabulary and chat
// template, scripted replies), copied into each test's model directory under readable names.
import { DEEPSEEK_R1_REASONER_MODEL, ensureTestModel, type TestModelOptions } from '@gpt4all/test-models';

/** The scripted reply of the `markdown` model. */
export const MARKDOWN_REPLY = 'Hello **there**!\n\n```js\r\nconsole.log(42);';

const qwen = { architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen2.5-7B-Instruct' } as const;

export const testModels = {
  /**
   * Every reply is this Markdown (bold text and a code block), then end of turn. A scripted model
   * picks each token from the one before, so the reply avoids tokens of the prompt's end (a lone
   * "\n": hence "\r\n") and tokens that would need two successors (the fence stays open; Markdown
   * closes it at the end).
   */
  markdown: { ...qwen, size: 'tiny', seed: 41, script: { emit: [MARKDOWN_REPLY] } },
  /** Repeats " la" without end, with a 32k-token context: a reply that streams until stopped. */
  endless: {
    ...qwen,
    size: { embeddingLength: 64, blockCount: 2, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 32768 },
    seed: 23,
    script: { emit: [' la'], then: ' la' },
  },
  /** Reasons ("Let me think"), then answers "The answer is 4.". */
  thinker: DEEPSEEK_R1_REASONER_MODEL,
  /**
   * No chat template in the file, and a LLaMA SentencePiece vocabulary (with Qwen's, the engine
   * would fall back to ChatML by its special tokens): the conversation must pick one.
   */
  untemplated: { architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 43, script: { emit: ['Templated now.'] } },
  /** Served by the loopback catalog for the download tests: every reply is "Downloaded and ready.". */
  downloadable: { ...qwen, size: 'tiny', seed: 42, script: { emit: ['Downloaded and ready.'] } },
} satisfies Record<string, TestModelOptions>;

export type TestModelName = keyof typeof testModels;

/** The path of a test model in the shared cache (written on first use). */
export function testModelPath(name: TestModelName): Promise<string> {
  return ensureTestModel(testModels[name]);
}
