// What the harness asks of an engine process, and what comes back. Each engine runs in a child
// process of its own: nothing of one engine (threads, caches, allocator state) can slow another,
// and peak RSS belongs to one engine alone.

/** An engine measured through its Node.js API. llama.cpp's own tools are run directly instead. */
export type Engine = 'ours' | 'node-llama-cpp';

interface JobBase {
  engine: Engine;
  modelPath: string;
  threads: number;
  /** The @gpt4all/core variant to force, so it matches the one llama.cpp's tools were built as. */
  backend: string;
}

/** pp and tg the way llama-bench measures them: a warm-up, then `reps` runs from an empty cache. */
export interface ThroughputJob extends JobBase {
  kind: 'throughput';
  /** Evaluated as one prompt (batch 512). */
  pp?: { tokens: number[]; reps: number };
  /** Decoded one token at a time, each after the previous one. */
  tg?: { tokens: number[]; reps: number };
  /** After this long in pp (or tg), stop repeating it even if fewer than `reps` ran (at least one runs). */
  maxSeconds: number;
  /** Spread the model over these RPC workers (`loadModel`'s `rpcWorkers`). */
  rpcWorkers?: string[];
}

export interface ThroughputResult {
  pp?: Rates;
  tg?: Rates;
}

export interface Rates {
  /** Tokens per second seen by the caller (wall clock around the API call). */
  tokensPerSecond: number[];
  /** Tokens per second by the engine's own clock, where it reports one: the gap is the binding's cost. */
  engineTokensPerSecond?: number[];
}

/** Generation through `generate` (the users' path): greedy, and with the full sampler chain. */
export interface GenerateJob extends JobBase {
  kind: 'generate';
  prompt: number[];
  maxTokens: number;
  reps: number;
  maxSeconds: number;
}

export interface GenerateResult {
  /** `timings.tokensPerSecond` of greedy runs. */
  greedyTokensPerSecond: number[];
  /** Generation time per token, greedy and with the full chain, in microseconds. */
  greedyUsPerToken: number[];
  fullChainUsPerToken: number[];
}

/** Time to first token: a long first turn into an empty context, then a second turn after it. */
export interface TtftJob extends JobBase {
  kind: 'ttft';
  firstTurn: number[];
  /** The user's next message, appended after the first turn and its answer. */
  followUp: number[];
  contextSize: number;
  reps: number;
}

export interface TtftResult {
  firstTurnMs: number[];
  secondTurnMs: number[];
  /** Tokens the second turn reused from the KV cache (per rep). */
  secondTurnCachedTokens: number[];
  secondTurnPromptTokens: number;
}

/** Load time and peak memory, in a process that does nothing else. */
export interface MemoryJob extends JobBase {
  kind: 'memory';
  loads: number;
  prompt: number[];
  maxTokens: number;
  contextSize: number;
}

export interface MemoryResult {
  loadMs: number[];
  /** RSS once the engine's addon is loaded, before any model. */
  baselineRssBytes: number;
  /** Peak RSS of the process after loading, creating a context and generating. */
  peakRssBytes: number;
}

/** Sentence embeddings through `embed`. */
export interface EmbedJob extends JobBase {
  kind: 'embed';
  texts: string[];
  reps: number;
}

export interface EmbedResult {
  /** Tokens in all texts, as the engine tokenised them (with CLS/SEP). */
  tokens: number;
  ms: number[];
}

/** Grammar-constrained decoding (a JSON schema) against the same sampling unconstrained. */
export interface ConstrainedJob extends JobBase {
  kind: 'constrained';
  prompt: number[];
  maxTokens: number;
  reps: number;
  maxSeconds: number;
}

export interface ConstrainedResult {
  constrainedTokensPerSecond: number[];
  unconstrainedTokensPerSecond: number[];
  /** `jsonSchemaToGrammar` alone, per call. */
  schemaToGrammarMs: number[];
  /** What a request with the schema adds before its first token (conversion, grammar parse, sampler set-up). */
  setupMs: number[];
}

/**
 * Several greedy generations at once on one model (continuous batching), each of `maxTokens`
 * tokens, timed by the arrival of their output (see decode-window.ts).
 */
export interface StreamsJob extends JobBase {
  kind: 'streams';
  engine: 'ours';
  /**
   * `context`: concurrent `context.stream()` calls on one @gpt4all/core context of as many
   * sequences, end-of-generation tokens banned with `logitBias`. `server`: concurrent streamed
   * `POST /v1/completions` requests to @gpt4all/server (`parallel` = the streams), the prompts
   * sent as their text; that route takes no `logit_bias`, so end of generation is checked after.
   */
  via: 'context' | 'server';
  /** `prompts[round][stream]`: round 0 warms up (with a few tokens), each later round is one repetition. */
  prompts: number[][][];
  maxTokens: number;
  /** Tokens each sequence holds (the server's shared context takes the model's default, which must equal it). */
  contextSize: number;
  /** After this long, stop repeating (at least one repetition runs). */
  maxSeconds: number;
}

export interface StreamsResult {
  /** Aggregate decode rate of each repetition, tokens/s (`concurrentDecodeRate`). */
  tokensPerSecond: number[];
  /** Prompt tokens of each stream as the engine counted them (BOS included), last repetition. */
  promptTokens: number[];
  /** Generated tokens of each stream, last repetition. */
  completionTokens: number[];
  /** Why each stream of each repetition ended (`length` when it ran to `maxTokens`). */
  finishReasons: string[];
}

/**
 * Two chat sessions of @gpt4all/chat on one model, each sending one message at the same time:
 * on the model's shared context (`loadModel({ parallel: 2 })`), or each on a context of its own
 * (`createChatSession({ contextSize })`). Memory, and how many llama.cpp contexts were made.
 */
export interface SessionsJob extends JobBase {
  kind: 'sessions';
  engine: 'ours';
  contexts: 'shared' | 'own';
  sessions: number;
  message: string;
  maxTokens: number;
}

export interface SessionsResult {
  /** Tokens each session's context holds, the same both ways (the shared context gives each sequence as many). */
  contextSize: number;
  /** RSS once the model is loaded, before any session. */
  loadedRssBytes: number;
  /** Peak RSS of the process. */
  peakRssBytes: number;
  /** RSS after the replies, with the sessions and their contexts still alive. */
  settledRssBytes: number;
  /** `llama_context` constructions llama.cpp logged (through `setLogHandler`). */
  contextsCreated: number;
  /** Tokens each reply generated. */
  completionTokens: number[];
}

export type Job = ThroughputJob | GenerateJob | TtftJob | MemoryJob | EmbedJob | ConstrainedJob | StreamsJob | SessionsJob;

/** The result type of each job kind. */
export interface JobResults {
  throughput: ThroughputResult;
  generate: GenerateResult;
  ttft: TtftResult;
  memory: MemoryResult;
  embed: EmbedResult;
  constrained: ConstrainedResult;
  streams: StreamsResult;
  sessions: SessionsResult;
}
