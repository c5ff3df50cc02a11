import type { SamplingOptions } from '@gpt4all/chat';
import { ApiError, unsupportedParameter } from './api-error.js';
import { nullable } from './nullable-schema.js';

/** The generation fields `/v1/chat/completions` and `/v1/completions` share, as OpenAI names them. */
export interface SamplingRequest {
  model: string;
  temperature?: number | null;
  top_p?: number | null;
  /** Extensions, as llama.cpp's server names them. */
  top_k?: number | null;
  min_p?: number | null;
  repeat_penalty?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  /** Token id (as a string) → bias added to its logit, -100 to 100 (-100 bans it in effect). */
  logit_bias?: Record<string, number> | null;
  user?: string;
}

/** JSON-schema properties of {@link SamplingRequest}, which fastify validates the body with. */
export const SAMPLING_PROPERTIES = {
  model: { type: 'string', minLength: 1 },
  temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
  top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  top_k: nullable({ type: 'integer', minimum: 0 }),
  min_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  repeat_penalty: nullable({ type: 'number', exclusiveMinimum: 0 }),
  // The engine counts tokens in 32 bits (a larger count would be refused deep in the engine, not here).
  max_tokens: nullable({ type: 'integer', minimum: 1, maximum: 0xffff_ffff }),
  max_completion_tokens: nullable({ type: 'integer', minimum: 1, maximum: 0xffff_ffff }),
  stop: nullable({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 16 }] }),
  seed: nullable({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  n: nullable({ type: 'integer' }),
  stream: nullable({ type: 'boolean' }),
  stream_options: nullable({ type: 'object', properties: { include_usage: nullable({ type: 'boolean' }) } }),
  frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  logit_bias: nullable({ type: 'object', propertyNames: { pattern: '^[0-9]+$' }, additionalProperties: { type: 'number', minimum: -100, maximum: 100 } }),
  user: { type: 'string' },
} as const;

/**
 * The request's sampling as `@gpt4all/chat` takes it; fields left out (or null) keep the
 * model's defaults (its catalog entry's, else GPT4All's). `max_completion_tokens` wins over
 * the older `max_tokens`.
 * @throws {ApiError} 400 `unsupported_parameter` for `n` other than 1, and 400 `invalid_value`
 *   for `stream_options` without `stream: true` (as OpenAI answers it).
 */
export function samplingOptions(body: SamplingRequest): SamplingOptions & { stop?: string[]; logitBias?: Record<number, number> } {
  if (body.stream_options != null && body.stream !== true) {
    throw new ApiError("stream_options is only allowed when 'stream' is true.", { status: 400, param: 'stream_options', code: 'invalid_value' });
  }
  if (body.n != null && body.n !== 1) throw unsupportedParameter('n', `n must be 1: this server generates one choice per request (got ${body.n}).`);
  const options: SamplingOptions & { stop?: string[]; logitBias?: Record<number, number> } = {};
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  if (body.top_k != null) options.topK = body.top_k;
  if (body.min_p != null) options.minP = body.min_p;
  if (body.repeat_penalty != null) options.repeatPenalty = body.repeat_penalty;
  if (body.frequency_penalty != null) options.frequencyPenalty = body.frequency_penalty;
  if (body.presence_penalty != null) options.presencePenalty = body.presence_penalty;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (body.seed != null) options.seed = body.seed;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.logit_bias != null) options.logitBias = Object.fromEntries(Object.entries(body.logit_bias).map(([token, bias]) => [Number(token), bias]));
  return options;
}
