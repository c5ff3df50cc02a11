import { abortError, abortFlagFor } from './abort.js';
import { ChunkQueue } from './chunk-queue.js';
import { Gpt4AllError } from '@gpt4all/errors';
import { callNative, toError } from './errors/to-error.js';
import type { GenerateOptions, GenerateResult, GenerationChunk } from './generate-options.js';
import type { DEFAULTS, KV_CACHE_TYPES, KvCacheType } from './native/contract.js';
import { nativeGrammarOf } from './grammar.js';
import type { NativeGeneration, NativeLogitBias } from './native/binding.js';
import type { NativeBinding } from './native/load-binding.js';
import type { Model } from './model.js';

type NativeContext = InstanceType<NativeBinding['NativeContext']>;

/** Options for {@link Model.createContext}. */
export interface ContextOptions {
  /** Tokens the context holds. Default: {@link DEFAULTS}`.contextSize`, at most the model's training length. */
  contextSize?: number;
  /** Prompt tokens evaluated per `llama_decode` call. Default: {@link DEFAULTS}`.batchSize`. */
  batchSize?: number;
  /** CPU threads. Default: the physical cores this process may use. */
  threads?: number;
  /** Create the context for embeddings instead of generation. */
  embeddings?: boolean;
  /**
   * Sequences that generate at once, each of `contextSize` tokens with its own part of the KV
   * cache (llama.cpp's `n_seq_max`): up to this many `generate`/`stream` calls run together, their
   * steps decoded in one batch (continuous batching); more wait their turn, abortably. Each call
   * takes the free sequence holding the longest prefix of its prompt, so a conversation keeps
   * reusing its own cache. Default 1; at most {@link DEFAULTS}`.maxParallel`. A context of several
   * sequences offers only `generate`, `stream` and `clear`.
   */
  parallel?: number;
  /**
   * The number format of the KV cache's keys and values, by llama.cpp's name (its
   * `--cache-type-k`/`--cache-type-v`; {@link KV_CACHE_TYPES}). Default `f16`, llama.cpp's.
   * `f32` doubles the cache's memory and keeps attention exact to float rounding (for parity
   * checks); `q8_0` takes about half of `f16`'s memory. Quantized types need flash attention,
   * which llama.cpp turns on where the backend has it; otherwise the context is refused
   * (`ContextCreateError`).
   */
  kvCacheType?: KvCacheType;
  /**
   * Flash attention on (`true`) or off (`false`); by default llama.cpp turns it on where the
   * backend has it (`flash_attn_type` auto). With it on, llama.cpp computes attention with
   * float16 keys and values whatever `kvCacheType` says, so exact float32 attention (parity with
   * a float32 PyTorch run) takes `flashAttention: false` and `kvCacheType: 'f32'`.
   */
  flashAttention?: boolean;
}

/** The outcome of {@link Context.evaluate}. */
export interface EvaluateResult {
  /** Tokens that were already cached and not evaluated again. */
  cachedTokens: number;
  evaluatedTokens: number;
  /** Wall-clock time of the evaluation. */
  ms: number;
}

/** A streamed generation: iterate it for chunks; `result` settles when it ends. */
export interface GenerationStream extends AsyncIterable<GenerationChunk> {
  /** The full result, available once generation ends (also when the loop is left early). */
  readonly result: Promise<GenerateResult>;
}

/**
 * A KV cache over a model. It remembers which tokens it holds, so a prompt that starts like the
 * previous one only evaluates the new tokens. Operations run one at a time: a second call waits
 * for the first to finish; with `parallel` sequences, that many generations run at once.
 */
export class Context {
  /** Tokens this context holds (per sequence). */
  readonly contextSize: number;
  /** Sequences that generate at once (the `parallel` option). */
  readonly parallel: number;
  /** CPU threads it computes with: the `threads` option, or the default it resolved to. */
  readonly threads: number;
  readonly model: Model;
  #native: NativeContext;
  #binding: NativeBinding;
  #queue: Promise<unknown> = Promise.resolve();
  /** The abort flags of the generations running now. */
  #running = new Set<{ abort(): void }>();
  /** Generations running on a context of several sequences, which are not queued. */
  #concurrent = new Set<Promise<unknown>>();
  #disposed = false;
  #onDispose: (context: Context) => void;

  /** @internal Use {@link Model.createContext}. */
  constructor(model: Model, binding: NativeBinding, native: NativeContext, onDispose: (context: Context) => void) {
    this.model = model;
    this.#binding = binding;
    this.#native = native;
    this.contextSize = native.contextSize;
    this.threads = native.threads;
    this.parallel = native.parallel;
    this.#onDispose = onDispose;
  }

  /**
   * Generates a continuation of `prompt` (text, tokenized with the model's BOS token and special
   * tokens parsed, or tokens). Resolves with `finishReason: 'abort'` and the text so far when
   * `options.signal` aborts.
   * @throws {ContextOverflowError} when the prompt does not fit the context.
   */
  generate(prompt: string | number[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const { flag, release } = abortFlagFor(this.#binding, options.signal);
    return this.#schedule(() => this.#generate(prompt, options, flag, undefined), options.signal, () => abortedBeforeStart(this.#promptLength(prompt))).finally(release);
  }

  /** Like {@link Context.generate}, as an async iterator of chunks. Leaving the loop early stops generation. */
  stream(prompt: string | number[], options: GenerateOptions = {}): GenerationStream {
    const { flag, release } = abortFlagFor(this.#binding, options.signal);
    const chunks = new ChunkQueue<GenerationChunk>(() => flag.abort());
    const result = this.#schedule(() => this.#generate(prompt, options, flag, chunks), options.signal, () => abortedBeforeStart(this.#promptLength(prompt))).finally(release);
    result.then(
      () => chunks.end(),
      (error) => chunks.end(error),
    );
    // The caller may only iterate; a failure still reaches it through the iterator.
    result.catch(() => {});
    return { result, [Symbol.asyncIterator]: () => chunks };
  }

  /**
   * Brings the KV cache to hold exactly `tokens` without generating (a prefill): only the part
   * after the longest prefix already cached is evaluated.
   * @throws {ContextOverflowError} when the tokens do not fit the context.
   */
  evaluate(tokens: number[], options: { signal?: AbortSignal } = {}): Promise<EvaluateResult> {
    const { flag, release } = abortFlagFor(this.#binding, options.signal);
    return this.#enqueue(
      () =>
        new Promise<EvaluateResult>((resolve, reject) => {
          callNative(() =>
            this.#native.evaluate(tokens, flag, (event) => {
              if (event.kind === 'done') {
                const r = event.result;
                resolve({ cachedTokens: r.cachedTokens, evaluatedTokens: r.promptTokens - r.cachedTokens, ms: r.promptMs });
              } else if (event.kind === 'error') {
                reject(event.error.code === 'ERR_ABORTED' ? abortError(options.signal) : toError(event.error));
              }
            }),
          );
        }),
    ).finally(release);
  }

  /**
   * Evaluates `tokens` as {@link evaluate} does and returns the model's raw next-token scores
   * after the last of them: one logit per vocabulary entry, indexed by token id, before any
   * sampler or temperature (llama.cpp's `llama_get_logits_ith(ctx, -1)`). For parity checks
   * against another implementation and for scoring text.
   * @throws {ContextOverflowError} when the tokens do not fit the context.
   */
  logits(tokens: number[], options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    const { flag, release } = abortFlagFor(this.#binding, options.signal);
    return this.#enqueue(
      () =>
        new Promise<Float32Array>((resolve, reject) => {
          callNative(() =>
            this.#native.logits(tokens, flag, (event) => {
              if (event.kind === 'done') resolve(event.logits);
              else if (event.kind === 'error') reject(event.error.code === 'ERR_ABORTED' ? abortError(options.signal) : toError(event.error));
            }),
          );
        }),
    ).finally(release);
  }

  /** The tokens the KV cache holds, in order. */
  cachedTokens(): number[] {
    this.#check();
    return callNative(() => this.#native.cachedTokens());
  }

  /** Empties the KV cache (waits for a running operation). */
  clear(): Promise<void> {
    return this.#enqueue(async () => {
      await Promise.allSettled(this.#concurrent);
      callNative(() => this.#native.clear());
    });
  }

  /** Keeps the first `n` cached tokens (waits for a running operation). */
  truncate(n: number): Promise<void> {
    return this.#enqueue(async () => callNative(() => this.#native.truncate(n)));
  }

  /** @internal Embeds token sequences; used by {@link Model.embed}. */
  embedTokens(inputs: number[][], normalize: boolean, signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const { flag, release } = abortFlagFor(this.#binding, signal);
    return this.#enqueue(
      () =>
        new Promise<Float32Array[]>((resolve, reject) => {
          this.#native.embed(inputs, normalize, flag, (event) => {
            if (event.kind === 'done') resolve(event.vectors);
            else reject(event.error.code === 'ERR_ABORTED' ? abortError(signal) : toError(event.error));
          });
        }),
    ).finally(release);
  }

  /** Aborts a running operation, waits for it, and frees the KV cache. Calling it again does nothing. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const flag of this.#running) flag.abort();
    await this.#queue.catch(() => {});
    await Promise.allSettled(this.#concurrent);
    this.#native.dispose();
    this.#onDispose(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #check() {
    if (this.#disposed) throw new Gpt4AllError('ERR_DISPOSED', 'the context has been disposed');
  }

  /**
   * A generation: queued behind earlier operations on a context of one sequence; at once on one
   * of several, whose scheduler gives it a sequence (or makes it wait for one).
   */
  #schedule<T>(task: () => Promise<T>, signal: AbortSignal | undefined, aborted: () => T): Promise<T> {
    if (this.parallel === 1) return this.#enqueueAbortable(task, signal, aborted);
    if (this.#disposed) return Promise.reject(new Gpt4AllError('ERR_DISPOSED', 'the context has been disposed'));
    const run = this.#queue.catch(() => {}).then(() => {
      // A dispose() between this call and its start finds no running flag to abort.
      this.#check();
      return task();
    });
    this.#concurrent.add(run);
    const forget = () => this.#concurrent.delete(run);
    run.then(forget, forget);
    return run;
  }

  /**
   * {@link Context.#enqueue}, but a `signal` that aborts while the task still waits its turn
   * settles it at once with `aborted()`, and the task is skipped when its turn comes: a caller
   * that gives up does not wait for the generations ahead of it.
   */
  #enqueueAbortable<T>(task: () => Promise<T>, signal: AbortSignal | undefined, aborted: () => T): Promise<T> {
    if (!signal) return this.#enqueue(task);
    if (this.#disposed) return this.#enqueue(task); // rejects with ERR_DISPOSED
    if (signal.aborted) return Promise.resolve().then(aborted);
    let started = false;
    const queued = this.#enqueue(() => {
      started = true;
      return signal.aborted ? Promise.resolve().then(aborted) : task();
    });
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (started) return;
        try {
          resolve(aborted());
        } catch (error) {
          reject(error);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Runs `task` after every earlier operation on this context. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new Gpt4AllError('ERR_DISPOSED', 'the context has been disposed'));
    const run = this.#queue.catch(() => {}).then(() => {
      this.#check();
      return task();
    });
    this.#queue = run;
    return run;
  }

  /** Tokens in `prompt`, as a generation counts them. */
  #promptLength(prompt: string | number[]): number {
    return typeof prompt === 'string' ? this.model.tokenize(prompt, { addSpecial: true, special: true }).length : prompt.length;
  }

  #generate(
    prompt: string | number[],
    options: GenerateOptions,
    flag: InstanceType<NativeBinding['NativeAbortFlag']>,
    chunks: ChunkQueue<GenerationChunk> | undefined,
  ): Promise<GenerateResult> {
    const tokens = typeof prompt === 'string' ? this.model.tokenize(prompt, { addSpecial: true, special: true }) : prompt;
    const { signal, onToken, grammar, jsonSchema, logitBias, ...sampling } = options;
    // A flag of its own: a callback may throw anything, `undefined` included.
    let callbackFailed = false;
    let callbackError: unknown;
    this.#running.add(flag);
    return new Promise<GenerateResult>((resolve, reject) => {
      const constraints = { grammar: nativeGrammarOf(grammar, jsonSchema), logitBias: nativeLogitBias(logitBias) };
      callNative(() =>
        // Without a listener the native loop sends no chunks: the result carries the text.
        this.#native.generate(tokens, { ...sampling, ...constraints, stream: chunks !== undefined || onToken !== undefined }, flag, (event) => {
          if (event.kind === 'chunk') {
            const { texts, tokens: ids } = event.chunks;
            for (let i = 0; i < ids.length && !callbackFailed; i++) {
              const chunk = { text: texts[i]!, token: ids[i]! };
              chunks?.push(chunk);
              try {
                onToken?.(chunk);
              } catch (error) {
                // A throwing callback stops generation and becomes the call's error.
                callbackFailed = true;
                callbackError = error;
                flag.abort();
              }
            }
          } else if (event.kind === 'done') {
            if (callbackFailed) reject(callbackError);
            else resolve(toResult(event.result));
          } else {
            reject(toError(event.error));
          }
        }),
      );
    }).finally(() => {
      this.#running.delete(flag);
    });
  }
}

function nativeLogitBias(bias: GenerateOptions['logitBias']): NativeLogitBias[] | undefined {
  if (bias === undefined) return undefined;
  const entries = bias instanceof Map ? [...bias.entries()] : Object.entries(bias).map(([token, value]) => [Number(token), value] as const);
  return entries.map(([token, value]) => {
    if (typeof value !== 'number' || Number.isNaN(value) || value === Infinity) {
      throw new Gpt4AllError('ERR_INVALID_ARGUMENT', `invalid argument: logitBias[${token}] must be a number or -Infinity, got ${String(value)}`);
    }
    return { token, bias: value };
  });
}

/** The result of a generation whose signal aborted it before it started: nothing evaluated or generated. */
function abortedBeforeStart(promptTokens: number): GenerateResult {
  return {
    text: '',
    tokens: [],
    finishReason: 'abort',
    promptTokens,
    cachedTokens: 0,
    completionTokens: 0,
    timings: { promptMs: 0, generateMs: 0, promptTokensPerSecond: 0, tokensPerSecond: 0 },
  };
}

function toResult(native: NativeGeneration): GenerateResult {
  const perSecond = (tokens: number, ms: number) => (ms > 0 ? (tokens * 1000) / ms : 0);
  const evaluated = native.promptTokens - native.cachedTokens;
  return {
    text: native.text,
    tokens: native.tokens,
    finishReason: native.finishReason,
    promptTokens: native.promptTokens,
    cachedTokens: native.cachedTokens,
    completionTokens: native.completionTokens,
    timings: {
      promptMs: native.promptMs,
      generateMs: native.generateMs,
      promptTokensPerSecond: perSecond(evaluated, native.promptMs),
      tokensPerSecond: perSecond(native.completionTokens, native.generateMs),
    },
  };
}
