import { createCompletion, streamCompletion, type ChatCompletion, type CreateCompletionOptions } from '@gpt4all/chat';
import type { ChatRenderer } from '@gpt4all/templates';
import type { FastifyInstance } from 'fastify';
import { unsupportedParameter } from '../api-error.js';
import { CHAT_COMPLETION_SCHEMA, type ChatCompletionRequest } from '../chat-completion-request.js';
import { completionTimings } from '../completion-timings.js';
import { takeModelSlot, type ModelSlot } from '../model-slot.js';
import { toChatMessages } from '../openai-messages.js';
import { openAIUsage } from '../openai-usage.js';
import { chatTemplateError, requestChatTemplate } from '../request-chat-template.js';
import { responseId, unixSeconds } from '../response-id.js';
import { samplingOptions } from '../sampling-request.js';
import type { ServerContext } from '../server-context.js';
import { sendEventStream } from '../sse-stream.js';
import { toApiError } from '../to-api-error.js';

/**
 * `POST /v1/chat/completions`: OpenAI's chat completions, answered by `@gpt4all/chat`
 * (`createCompletion`, or `streamCompletion` with `stream: true`), which renders the messages
 * with the model's chat template, applies stop strings, grammars for `response_format` and
 * forced tool calls, and parses tool calls and reasoning. Extensions: `context_overflow`
 * (`'drop-oldest'` leaves out the oldest turns that do not fit), `chat_template` (a Jinja
 * template used instead of the model's; 400 when it does not parse or fails to render), and
 * `timings` (`CompletionTimings`) in the response, or in a stream's last chunks.
 */
export function chatCompletionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: ChatCompletionRequest }>('/v1/chat/completions', { schema: { body: CHAT_COMPLETION_SCHEMA } }, async (request, reply) => {
    const body = request.body;
    if (body.logprobs === true || (body.top_logprobs ?? 0) > 0) throw unsupportedParameter(body.logprobs === true ? 'logprobs' : 'top_logprobs', 'logprobs are not supported by this server.');
    const messages = toChatMessages(body.messages);
    const sampling = samplingOptions(body);
    const chatTemplate = body.chat_template ?? undefined;
    // A template that does not parse is refused before the request waits for (or loads) its model.
    if (chatTemplate !== undefined) requestChatTemplate(chatTemplate);
    const slot = await takeModelSlot(context, request, reply, body.model, 'generate');
    let template: ChatRenderer | undefined;
    try {
      template = chatTemplate === undefined ? undefined : requestChatTemplate(chatTemplate, slot.model);
    } catch (error) {
      slot.release();
      throw error;
    }
    const options: CreateCompletionOptions = {
      ...sampling,
      template,
      signal: slot.signal,
      // The caller's messages are the prompt: one that does not fit is an error, never cut short,
      // unless the caller asks for the oldest turns to be left out (the web app does).
      contextOverflow: body.context_overflow ?? 'error',
      tools: body.tools ?? undefined,
      toolChoice: body.tool_choice ?? undefined,
      responseFormat: body.response_format ?? undefined,
      onToken: slot.firstToken,
    };
    const id = responseId('chatcmpl');
    if (body.stream !== true) {
      try {
        const completion = await createCompletion(slot.model, messages, options).catch((error: unknown) => {
          throw chatTemplateError(error);
        });
        return chatCompletionBody(id, slot, completion);
      } finally {
        slot.release();
      }
    }
    const includeUsage = body.stream_options?.include_usage === true;
    return sendEventStream(
      reply,
      async (events) => {
        try {
          const created = unixSeconds();
          const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
            id,
            object: 'chat.completion.chunk',
            created,
            model: slot.served.id,
            system_fingerprint: null,
            choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
            ...(includeUsage ? { usage: null } : {}),
          });
          let opened = false;
          const send = (delta: Record<string, unknown>) => {
            if (!opened) events.send(chunk({ role: 'assistant', content: '' }));
            opened = true;
            if (Object.keys(delta).length > 0) events.send(chunk(delta));
          };
          const stream = streamCompletion(slot.model, messages, options);
          let toolIndex = 0;
          for await (const part of stream.parts) {
            if (part.type === 'text') send({ content: part.text });
            else if (part.type === 'reasoning') send({ reasoning_content: part.text });
            else if (part.type === 'tool-call') {
              const { id: callId, name, arguments: args } = part.toolCall;
              send({ tool_calls: [{ index: toolIndex++, id: callId, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
            }
          }
          const completion = await stream.result;
          const finishReason = finished(slot, completion);
          const timings = completionTimings(completion);
          send({});
          events.send({ ...chunk({}, finishReason), timings });
          if (includeUsage) events.send({ id, object: 'chat.completion.chunk', created, model: slot.served.id, system_fingerprint: null, choices: [], usage: openAIUsage(usageOf(completion)), timings });
        } catch (error) {
          throw chatTemplateError(error);
        } finally {
          slot.release();
        }
      },
      (error) => toApiError(error, context.options.log),
    );
  });
}

/** The non-streamed response. */
function chatCompletionBody(id: string, slot: ModelSlot, completion: ChatCompletion) {
  const finishReason = finished(slot, completion);
  const { message } = completion.choices[0];
  const toolCalls = message.tool_calls?.map(({ id: callId, type, function: fn }) => ({ id: callId, type, function: fn }));
  return {
    id,
    object: 'chat.completion',
    created: completion.created,
    model: slot.served.id,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI's content is null when a reply only calls tools.
          content: toolCalls && message.content === '' ? null : message.content,
          refusal: null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
          ...(message.reasoning_content !== undefined ? { reasoning_content: message.reasoning_content } : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: openAIUsage(usageOf(completion)),
    // Not in OpenAI's shape: llama-server's prefill and decode times (the web app shows tokens/s).
    timings: completionTimings(completion),
  };
}

/** Records the generation (see `ModelSlot.finished`) and gives its finish reason. */
function finished(slot: ModelSlot, completion: ChatCompletion): 'stop' | 'length' | 'tool_calls' {
  const { finish_reason: reason } = completion.choices[0];
  slot.finished({ promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens, finishReason: reason });
  return reason as 'stop' | 'length' | 'tool_calls';
}

function usageOf(completion: ChatCompletion) {
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens, cached_tokens: cachedTokens } = completion.usage;
  return { promptTokens, completionTokens, cachedTokens };
}
