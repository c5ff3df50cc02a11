import { DEFAULTS } from '@gpt4all/core';
import type { CatalogEntry } from '@gpt4all/download';
import { samplingOverrides } from '@gpt4all/download';
import { invalidArgument } from './errors/chat-error.js';

/** How the next tokens are chosen. Every field is optional; see {@link GPT4ALL_DEFAULTS}. */
export interface SamplingOptions {
  /** Randomness; 0 is greedy (always the most likely token, deterministic). */
  temperature?: number;
  /** Keep only the k most likely tokens (0 disables). */
  topK?: number;
  /** Nucleus sampling threshold (1 disables). */
  topP?: number;
  /** Drop tokens less likely than `minP` × the most likely one (0 disables). */
  minP?: number;
  /** Penalty for repeating recent tokens (1 disables). */
  repeatPenalty?: number;
  /** How many recent tokens the repeat penalty looks at. */
  repeatLastN?: number;
  /** Subtracted from a token's logit once per time it occurs in the recent tokens (OpenAI's `frequency_penalty`; 0 disables). */
  frequencyPenalty?: number;
  /** Subtracted from a token's logit once if it occurs in the recent tokens (OpenAI's `presence_penalty`; 0 disables). */
  presencePenalty?: number;
  /** Most tokens in one reply; -1: until the model ends or the context is full. */
  maxTokens?: number;
  /** Seed of the random draw: the same seed and input give the same output. Default: random. */
  seed?: number;
}

/** {@link SamplingOptions} with every default filled in (`seed` stays optional). */
export type ResolvedSampling = Required<Omit<SamplingOptions, 'seed'>> & Pick<SamplingOptions, 'seed'>;

/**
 * GPT4All's defaults, as its Python binding's `generate()` uses them: the engine's
 * {@link DEFAULTS} (defined in `crates/core/src/defaults.rs`). They apply where neither the call,
 * the session, nor the model's catalog entry says otherwise.
 */
export const GPT4ALL_DEFAULTS: Readonly<ResolvedSampling> = Object.freeze({
  temperature: DEFAULTS.temperature,
  topK: DEFAULTS.topK,
  topP: DEFAULTS.topP,
  minP: DEFAULTS.minP,
  repeatPenalty: DEFAULTS.repeatPenalty,
  repeatLastN: DEFAULTS.repeatLastN,
  frequencyPenalty: DEFAULTS.frequencyPenalty,
  presencePenalty: DEFAULTS.presencePenalty,
  maxTokens: DEFAULTS.maxTokens,
});

/** The sampling overrides of a catalog entry, under this package's names. */
export function catalogSampling(entry: CatalogEntry | undefined): SamplingOptions {
  if (!entry) return {};
  const overrides = samplingOverrides(entry);
  return pickDefined({
    temperature: overrides.temperature,
    topK: overrides.topK,
    topP: overrides.topP,
    minP: overrides.minP,
    repeatPenalty: overrides.repeatPenalty,
    // GPT4All's catalog names the window `repeatPenaltyTokens` and the reply limit `maxLength`.
    repeatLastN: overrides.repeatPenaltyTokens,
    maxTokens: overrides.maxLength,
  });
}

/** Merges layers of options, later layers winning, over {@link GPT4ALL_DEFAULTS}; validates the result. */
export function resolveSampling(...layers: (SamplingOptions | undefined)[]): ResolvedSampling {
  const resolved: ResolvedSampling = { ...GPT4ALL_DEFAULTS };
  for (const layer of layers) if (layer) Object.assign(resolved, pickSampling(layer));
  validateSampling(resolved);
  return resolved;
}

/** Only the sampling fields of `options` that are set. */
export function pickSampling(options: SamplingOptions): SamplingOptions {
  return pickDefined({
    temperature: options.temperature,
    topK: options.topK,
    topP: options.topP,
    minP: options.minP,
    repeatPenalty: options.repeatPenalty,
    repeatLastN: options.repeatLastN,
    frequencyPenalty: options.frequencyPenalty,
    presencePenalty: options.presencePenalty,
    maxTokens: options.maxTokens,
    seed: options.seed,
  });
}

function validateSampling(options: ResolvedSampling): void {
  const check = (name: keyof ResolvedSampling, ok: boolean) => {
    if (!ok) throw invalidArgument(`${name} must be ${rules[name]}, got ${String(options[name])}`);
  };
  const rules: Record<keyof ResolvedSampling, string> = {
    temperature: 'a number ≥ 0',
    topK: 'an integer ≥ 0',
    topP: 'a number in [0, 1]',
    minP: 'a number in [0, 1]',
    repeatPenalty: 'a number > 0',
    repeatLastN: 'an integer ≥ -1',
    frequencyPenalty: 'a finite number',
    presencePenalty: 'a finite number',
    maxTokens: 'an integer ≥ 1, or -1 (no limit)',
    seed: 'an integer ≥ 0',
  };
  const isInt = (value: number) => Number.isSafeInteger(value);
  check('temperature', Number.isFinite(options.temperature) && options.temperature >= 0);
  check('topK', isInt(options.topK) && options.topK >= 0);
  check('topP', options.topP >= 0 && options.topP <= 1);
  check('minP', options.minP >= 0 && options.minP <= 1);
  check('repeatPenalty', Number.isFinite(options.repeatPenalty) && options.repeatPenalty > 0);
  check('repeatLastN', isInt(options.repeatLastN) && options.repeatLastN >= -1);
  check('frequencyPenalty', Number.isFinite(options.frequencyPenalty));
  check('presencePenalty', Number.isFinite(options.presencePenalty));
  check('maxTokens', isInt(options.maxTokens) && (options.maxTokens >= 1 || options.maxTokens === -1));
  if (options.seed !== undefined) check('seed', isInt(options.seed) && options.seed >= 0);
}

/**
 * The stop strings of a call, without empty ones (an empty stop string would end every reply
 * before it starts). Throws `ERR_INVALID_ARGUMENT` for anything but an array of strings.
 */
export function stopStrings(stop: unknown): string[] {
  if (stop === undefined) return [];
  if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) {
    throw invalidArgument(`stop must be an array of strings, got ${JSON.stringify(stop)}`);
  }
  return stop.filter((s) => s !== '');
}

function pickDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
