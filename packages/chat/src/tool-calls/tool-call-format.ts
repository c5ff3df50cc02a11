/**
 * How a chat template's model writes tool calls and reasoning: the "family" of its output format,
 * as llama.cpp's `common/chat.cpp` tells them apart. Plain data, so it can be stored or logged;
 * the parsing and grammar code for each family lives in `families/`.
 */

/**
 * Tool-call output families. Each is documented (template files, llama.cpp function) where its parser
 * lives in `families/`; `generic` is llama.cpp's fallback JSON format.
 */
export type ToolCallFormatId =
  | 'hermes'
  | 'llama3'
  | 'functionary-v3.1'
  | 'functionary-v3.2'
  | 'mistral'
  | 'mistral-args'
  | 'command-r7b'
  | 'deepseek-r1'
  | 'deepseek-v3.1'
  | 'deepseek-v3.2'
  | 'deepseek-v4'
  | 'gemma4'
  | 'granite'
  | 'firefunction-v2'
  | 'phi-4-mini'
  | 'kimi-k2'
  | 'glm-4.5'
  | 'qwen3-coder'
  | 'seed-oss'
  | 'minimax-m2'
  | 'nemotron-v2'
  | 'apertus'
  | 'lfm2'
  | 'gpt-oss'
  | 'apriel'
  | 'generic';

/** Tags around a model's thinking. */
export interface ReasoningTags {
  /** Opens the thinking block, e.g. `<think>`. */
  open: string;
  /** Closes it, e.g. `</think>`. */
  close: string;
  /**
   * True when the template's generation prompt itself can end with `open` (DeepSeek-R1 distills,
   * QwQ, Qwen3 with thinking…), so the model's output starts inside the reasoning with no opening tag.
   * Whether a given prompt does is best checked on the rendered prompt: {@link promptOpensReasoning}.
   */
  promptMayOpen: boolean;
}

/** A template's tool-call output format. */
export interface ToolCallFormat {
  id: ToolCallFormatId;
  /** Thinking tags, when the family has them. */
  reasoning?: ReasoningTags;
  /**
   * Literal strings that start a tool call anywhere in the answer (for a lazy grammar and for the
   * streaming splitter). Families whose calls start at the beginning of the answer without a marker
   * (Llama 3 bare JSON, Functionary v3.2's first recipient) also set {@link startsWithCall}.
   */
  triggers: string[];
  /** A call may be the whole answer with no marker (Llama 3 `{"name": …}`, Functionary v3.2 `name\n{…}`). */
  startsWithCall?: boolean;
  /**
   * Markup around the answer text that is not part of it and is removed from `text`
   * (Granite's `<response>`, Command R7B's `<|START_RESPONSE|>`, GPT-OSS channel headers).
   */
  dropTokens: string[];
}

/** The reasoning tags most families use. */
export const THINK_TAGS = { open: '<think>', close: '</think>' } as const;

/**
 * True when a rendered prompt ends inside an open thinking block (its last non-space text is the
 * family's opening tag), so the model's output starts in the reasoning. Pass the result as
 * `promptOpensReasoning` to the parser and splitter.
 */
export function promptOpensReasoning(renderedPrompt: string, format: ToolCallFormat): boolean {
  const tags = format.reasoning;
  if (!tags) return false;
  return renderedPrompt.trimEnd().endsWith(tags.open);
}
