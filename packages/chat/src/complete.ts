import type { FinishReason, GenerationTimings } from '@gpt4all/core';
import type { Model } from './model.js';
import { resolveSampling, stopStrings, type SamplingOptions } from './sampling-defaults.js';
import type { ChatUsage } from './session-options.js';

/** Options of `model.complete()`. Sampling defaults: the catalog entry's, then GPT4All's. */
export interface CompleteOptions extends SamplingOptions {
  /** Generation ends before the first of these strings, which never appears in the text. */
  stop?: readonly string[];
  /** Stops generation within one token; the result then has `finishReason: 'abort'`. */
  signal?: AbortSignal;
  /** Called with each piece of text as it is produced; `token` is the token id that produced it, or -1 for a last piece of text held back until the end (see `GenerationChunk` in @gpt4all/core). */
  onToken?: (text: string, token: number) => void;
  /** Token id → logit bias; `-Infinity` bans a token (see `GenerateOptions.logitBias` in @gpt4all/core). */
  logitBias?: Record<number, number> | ReadonlyMap<number, number>;
}

/** The outcome of `model.complete()`. */
export interface Completion {
  text: string;
  finishReason: FinishReason;
  usage: ChatUsage;
  timings: GenerationTimings;
}

/**
 * Raw completion: `prompt` is tokenized as it is (BOS added, special-token text parsed) with no
 * chat template. Runs on the model's shared context, so a prompt that extends the previous one
 * only evaluates the new tokens.
 */
export async function complete(model: Model, prompt: string, options: CompleteOptions): Promise<Completion> {
  const sampling = resolveSampling(model.catalogSampling(), options);
  const context = await model.sharedContext();
  const onToken = options.onToken;
  const result = await context.generate(prompt, {
    ...sampling,
    stop: stopStrings(options.stop),
    signal: options.signal,
    logitBias: options.logitBias,
    onToken: onToken && ((chunk) => onToken(chunk.text, chunk.token)),
  });
  return {
    text: result.text,
    finishReason: result.finishReason,
    usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens, cachedTokens: result.cachedTokens },
    timings: result.timings,
  };
}
