import type { Grammar, JsonSchema } from './grammar.js';
import type { DEFAULTS, FinishReason } from './native/contract.js';

/**
 * Sampling and stopping options for {@link Context.generate} and {@link Context.stream}. What is
 * left out takes the engine's default, {@link DEFAULTS} (GPT4All's own).
 */
export interface GenerateOptions {
  /** Most tokens to generate; -1: until an end-of-generation token or a full context. */
  maxTokens?: number;
  /** 0 means greedy: always the most likely token, deterministic. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 disables). */
  topK?: number;
  /** Nucleus sampling threshold (1 disables). */
  topP?: number;
  /** Drop tokens less likely than minP × the most likely one (0 disables). */
  minP?: number;
  /** Penalty for repeating recent tokens (1 disables). */
  repeatPenalty?: number;
  /** How many recent tokens the penalties consider (0 disables, -1: the whole context). */
  repeatLastN?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** Seed of the random draw; the same seed and input give the same output. */
  seed?: number;
  /** Generation ends before the first of these strings; it never appears in the output. */
  stop?: string[];
  /** Render control tokens (such as `<|im_end|>`) as text. Default false. */
  special?: boolean;
  /**
   * Constrain output to a GBNF grammar (text, or a {@link Grammar} with a start rule or lazy
   * triggers), applied by llama.cpp's grammar sampler. Once the grammar is complete only an
   * end-of-generation token can follow. Invalid GBNF rejects with {@link GrammarError} (line and
   * column); a grammar that allows no token at some point rejects with `ERR_INVALID_ARGUMENT`.
   */
  grammar?: string | Grammar;
  /**
   * Constrain output to JSON that validates against this JSON Schema (converted with
   * {@link jsonSchemaToGrammar}, which lists what throws {@link SchemaError}). Not with `grammar`.
   * Output can still end early at `maxTokens` (`finishReason: 'length'`), cut mid-document.
   */
  jsonSchema?: JsonSchema;
  /**
   * Added to these tokens' logits before sampling (token id → bias); `-Infinity` bans a token.
   * llama.cpp's `llama_sampler_init_logit_bias`. Token ids outside the vocabulary reject with
   * `ERR_INVALID_ARGUMENT`.
   */
  logitBias?: Record<number, number> | ReadonlyMap<number, number>;
  /** Stops generation within one token (and prompt evaluation within one batch). */
  signal?: AbortSignal;
  /** Called with every chunk as it is produced. */
  onToken?: (chunk: GenerationChunk) => void;
}

/** A piece of streamed output: `text` never splits a character and never holds part of a stop string. */
export interface GenerationChunk {
  text: string;
  /**
   * The token produced with this chunk. Every generated token has one chunk, in order; when
   * generation ends with text still held back (a partial stop-string match, an unfinished
   * character), one last chunk carries that text with token -1.
   */
  token: number;
}

/** How long a generation took (llama.cpp's `llama_perf_context` split, measured by the engine). */
export interface GenerationTimings {
  /** Milliseconds spent evaluating the prompt tokens not found in the KV cache (prefill). */
  promptMs: number;
  /** Milliseconds spent generating tokens (decode), from the first sampled token to the last. */
  generateMs: number;
  /** Prompt tokens evaluated per second (0 when none were). */
  promptTokensPerSecond: number;
  /** Tokens generated per second (0 when none were). */
  tokensPerSecond: number;
}

/** The outcome of {@link Context.generate}. */
export interface GenerateResult {
  text: string;
  tokens: number[];
  finishReason: FinishReason;
  /** Tokens in the prompt. */
  promptTokens: number;
  /** Prompt tokens reused from the KV cache, not evaluated again. */
  cachedTokens: number;
  completionTokens: number;
  timings: GenerationTimings;
}
