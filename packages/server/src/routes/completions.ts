import type { Completion, CompleteOptions } from '@gpt4all/chat';
import type { FastifyInstance } from 'fastify';
import { unsupportedParameter } from '../api-error.js';
import { nullable } from '../nullable-schema.js';
import { takeModelSlot, type ModelSlot } from '../model-slot.js';
import { openAIUsage } from '../openai-usage.js';
import { responseId, unixSeconds } from '../response-id.js';
import { SAMPLING_PROPERTIES, samplingOptions, type SamplingRequest } from '../sampling-request.js';
import type { ServerContext } from '../server-context.js';
import { sendEventStream } from '../sse-stream.js';
import { toApiError } from '../to-api-error.js';

/** The body of `POST /v1/completions`. */
interface CompletionRequest extends SamplingRequest {
  prompt: string | string[];
  echo?: boolean | null;
  suffix?: string | null;
  logprobs?: number | null;
  best_of?: number | null;
}

const COMPLETION_SCHEMA = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    ...SAMPLING_PROPERTIES,
    prompt: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 }] },
    echo: nullable({ type: 'boolean' }),
    suffix: nullable({ type: 'string' }),
    logprobs: nullable({ type: 'integer', minimum: 0 }),
    best_of: nullable({ type: 'integer', minimum: 1 }),
  },
} as const;

/**
 * `POST /v1/completions`: OpenAI's (legacy) text completions, answered by `model.complete()`:
 * the prompt is continued as it is, with no chat template.
 */
export function completionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: CompletionRequest }>('/v1/completions', { schema: { body: COMPLETION_SCHEMA } }, async (request, reply) => {
    const body = request.body;
    if (body.echo === true) throw unsupportedParameter('echo', 'echo is not supported by this server.');
    if (body.suffix != null && body.suffix !== '') throw unsupportedParameter('suffix', 'suffix (fill-in-the-middle) is not supported by this server.');
    if ((body.logprobs ?? 0) > 0) throw unsupportedParameter('logprobs', 'logprobs are not supported by this server.');
    if (body.best_of != null && body.best_of !== 1) throw unsupportedParameter('best_of', 'best_of must be 1: this server generates one choice per request.');
    const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0]!;
    const sampling = samplingOptions(body);
    const slot = await takeModelSlot(context, request, reply, body.model, 'generate');
    const id = responseId('cmpl');
    const created = unixSeconds();
    const choice = (text: string, finishReason: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finishReason });
    const options: CompleteOptions = { ...sampling, signal: slot.signal };
    if (body.stream !== true) {
      try {
        const completion = await slot.model.complete(prompt, { ...options, onToken: slot.firstToken });
        const finishReason = finished(slot, completion);
        return { id, object: 'text_completion', created, model: slot.served.id, system_fingerprint: null, choices: [choice(completion.text, finishReason)], usage: openAIUsage(completion.usage) };
      } finally {
        slot.release();
      }
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (text: string, finishReason: string | null) => ({
      id,
      object: 'text_completion',
      created,
      model: slot.served.id,
      system_fingerprint: null,
      choices: [choice(text, finishReason)],
      ...(includeUsage ? { usage: null } : {}),
    });
    return sendEventStream(
      reply,
      async (events) => {
        try {
          const completion = await slot.model.complete(prompt, {
            ...options,
            onToken: (text) => {
              slot.firstToken();
              if (text !== '') events.send(chunk(text, null));
            },
          });
          events.send(chunk('', finished(slot, completion)));
          if (includeUsage) events.send({ id, object: 'text_completion', created, model: slot.served.id, system_fingerprint: null, choices: [], usage: openAIUsage(completion.usage) });
        } finally {
          slot.release();
        }
      },
      (error) => toApiError(error, context.options.log),
    );
  });
}

/** Records the generation (see `ModelSlot.finished`) and gives OpenAI's finish reason. */
function finished(slot: ModelSlot, completion: Completion): 'stop' | 'length' {
  const reason = completion.finishReason === 'eog' ? 'stop' : completion.finishReason;
  slot.finished({ promptTokens: completion.usage.promptTokens, completionTokens: completion.usage.completionTokens, finishReason: reason });
  return reason as 'stop' | 'length';
}
