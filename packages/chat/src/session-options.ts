import type { FinishReason, GenerationTimings, Grammar } from '@gpt4all/core';
import type { ChatMessage } from './chat-message.js';
import type { ChatTool, InvalidToolCall, ResponseFormat, ToolCall, ToolChoice } from './chat-tools.js';
import type { ChatTemplate } from './chat-format.js';
import type { ContextOverflowPolicy } from './overflow-policy.js';
import type { SamplingOptions } from './sampling-defaults.js';

/**
 * What becomes of a reply that was aborted: `'keep'` (default) keeps the user message and the
 * partial reply in `messages`, as GPT4All's chat does; `'discard'` removes the whole turn, as if it
 * had never been sent.
 */
export type AbortedReplyPolicy = 'keep' | 'discard';

/** Options of `model.createChatSession()`; the sampling fields become the session's defaults. */
export interface ChatSessionOptions extends SamplingOptions {
  /**
   * The system message. Default: the catalog entry's `systemMessage` (for Jinja templates; legacy
   * templates carry their own system prompt). `null` or `''`: none. Ignored when `messages`
   * starts with a system message.
   */
  systemMessage?: string | null;
  /**
   * The chat template, which wins over the catalog entry's and the model file's own (GPT4All's
   * precedence). A preset name, Jinja source, a legacy `%1`/`%2` template or a renderer.
   */
  template?: ChatTemplate;
  /** Existing history to continue from: the session starts with these messages. */
  messages?: readonly ChatMessage[];
  /** Tokens the session's context holds. Default: the catalog's `contextLength`, else `DEFAULTS.contextSize` (GPT4All's n_ctx), at most the model's training length. */
  contextSize?: number;
  /** Prompt tokens evaluated per step. Default: the catalog's `promptBatchSize`, else the engine's (512). */
  batchSize?: number;
  /** CPU threads. Default: the `threads` given to `loadModel`, else the physical cores this process may use. */
  threads?: number;
  /** What happens when the conversation outgrows the context. Default `'drop-oldest'`. */
  contextOverflow?: ContextOverflowPolicy;
  /** What becomes of an aborted reply. Default `'keep'`. */
  abortedReply?: AbortedReplyPolicy;
  /** Stop strings added to the template's for every reply. */
  stop?: readonly string[];
  /**
   * Parse control-token text inside messages (`<|im_end|>`, `<|start_header_id|>`) as control
   * tokens, as the template's own text is. **Unsafe for text you do not trust**: a message could
   * end its own turn and open another (a system turn, say). Default false: the text of every
   * message (user, assistant, system, tool) is plain text, and only the template writes control tokens.
   */
  specialTokensInContent?: boolean;
  /**
   * Tools the model may call (OpenAI's shape), rendered into the prompt by the chat template.
   * Replies carry the calls as `toolCalls`; answer them with `send({ role: 'tool', toolCallId,
   * content })`, or give a tool `execute` and the session runs the loop itself. Not saved by `toJSON`.
   */
  tools?: readonly ChatTool[];
  /** Most rounds of tool execution one `send()` runs (tools with `execute`). Default 8. */
  maxToolRounds?: number;
}

/** Options of one `send()`, `stream()` or `regenerate()`; they win over the session's. */
export interface SendOptions extends SamplingOptions {
  /** More stop strings: the reply ends before the first one, which never appears in it. */
  stop?: readonly string[];
  /** Stops the reply within one token; it then ends with `finishReason: 'abort'`. */
  signal?: AbortSignal;
  /** Called with each piece of text as it is produced (never half a character); `token` is the token id that produced it, or -1 for a last piece of text held back until the end (see `GenerationChunk` in @gpt4all/core). */
  onToken?: (text: string, token: number) => void;
  /** What becomes of the reply if it is aborted. Default: the session's. */
  abortedReply?: AbortedReplyPolicy;
  /** Whether and which tool to call. Default `'auto'` with tools, else `'none'`. */
  toolChoice?: ToolChoice;
  /** The reply's text must be JSON (of a schema): `{ type: 'json_object' }` or `{ type: 'json_schema', schema }`. */
  responseFormat?: ResponseFormat;
  /** A GBNF grammar of your own for the reply (see `GenerateOptions.grammar` in @gpt4all/core). */
  grammar?: string | Grammar;
  /** Token id → logit bias; `-Infinity` bans a token (see `GenerateOptions.logitBias`). */
  logitBias?: Record<number, number> | ReadonlyMap<number, number>;
}

/** Token counts of one reply. */
export interface ChatUsage {
  /** Tokens in the prompt (the rendered conversation). */
  promptTokens: number;
  /** Tokens generated. */
  completionTokens: number;
  /** Prompt tokens found in the KV cache and not evaluated again. */
  cachedTokens: number;
}

/** The outcome of `send()`, `regenerate()` and a stream's `result`. */
export interface ChatReply {
  /**
   * The reply's answer text (also appended to `messages`, unless it was aborted and discarded),
   * without its reasoning and tool calls.
   */
  text: string;
  /** A thinking model's reasoning (`<think>…</think>` and the like), apart from the answer; `undefined` when there was none. */
  reasoning: string | undefined;
  /** The tools the model called, arguments parsed and valid against their `parameters`. */
  toolCalls: ToolCall[];
  /** Calls the model wrote that could not be used (their text stays in `text`). */
  invalidToolCalls: InvalidToolCall[];
  /**
   * Why it ended: `'eog'` (the model ended its turn), `'stop'` (a stop string), `'length'`
   * (`maxTokens` or a full context), `'abort'` (the signal, or a stream left early).
   */
  finishReason: FinishReason;
  usage: ChatUsage;
  timings: GenerationTimings;
  /** How many of the oldest messages were left out of the prompt to fit the context. */
  droppedMessages: number;
}
