import type { GenerationTimings } from '@gpt4all/core';
import type { ToolCall as TemplateToolCall } from '@gpt4all/templates';
import { withObjectArguments, type ChatMessage } from './chat-message.js';
import { invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';
import type { ChatReply, ChatSessionOptions, SendOptions } from './session-options.js';

/** Options of {@link createCompletion}: sampling, stop strings, signal, tools, and the session's template options. */
export interface CreateCompletionOptions extends SendOptions, Pick<ChatSessionOptions, 'template' | 'contextOverflow' | 'specialTokensInContent' | 'tools'> {}

/** A tool call in OpenAI's wire shape: `arguments` is JSON text (a message can be sent back as it is). */
export interface CompletionToolCall extends TemplateToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** An OpenAI-shaped chat completion, as the old `gpt4all` npm package returned. */
export interface ChatCompletion {
  object: 'chat.completion';
  /** Unix time, in seconds. */
  created: number;
  /** The model's name. */
  model: string;
  choices: [
    {
      index: 0;
      /** `content` is the answer without reasoning or calls; `reasoning_content` the thinking, when there was any. */
      message: { role: 'assistant'; content: string; tool_calls?: CompletionToolCall[]; reasoning_content?: string };
      /** `'stop'` (end of turn or a stop string), `'tool_calls'` (the reply calls tools), `'length'`, or `'abort'`. */
      finish_reason: 'stop' | 'tool_calls' | 'length' | 'abort';
    },
  ];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    /** Prompt tokens reused from the KV cache. */
    cached_tokens: number;
  };
  /**
   * Prefill and decode times and speeds of the reply (not in OpenAI's shape; llama-server adds the
   * same). With tools the session runs itself, those of the last round; `usage` counts them all.
   */
  timings: GenerationTimings;
}

/**
 * Answers the last user message (or tool results) of `messages`, OpenAI style — for code coming
 * from the old `gpt4all` package. With `tools`, a reply may call them (`tool_calls`, finish reason
 * `'tool_calls'`); send the results back as `{ role: 'tool', tool_call_id, content }` messages. The messages are rendered with the model's chat template on a context the
 * model keeps between calls, so sending a growing conversation evaluates only what is new.
 *
 * @example
 * ```ts
 * const completion = await createCompletion(model, [{ role: 'user', content: 'What is 1 + 1?' }]);
 * console.log(completion.choices[0].message.content);
 * ```
 */
export async function createCompletion(model: Model, messages: readonly ChatMessage[], options: CreateCompletionOptions = {}): Promise<ChatCompletion> {
  const last = Array.isArray(messages) ? messages.at(-1)?.role : undefined;
  if (last !== 'user' && last !== 'tool') throw invalidArgument('messages must be a list that ends with a user message or tool results');
  const { template, contextOverflow, specialTokensInContent, tools, ...sendOptions } = options;
  // No default system message is slipped in: the caller's messages are the whole conversation.
  // OpenAI sends arguments as JSON text; templates take objects.
  const history = messages.map(withObjectArguments);
  const session = model.sharedSession({ messages: history, template, contextOverflow, specialTokensInContent, tools, systemMessage: null });
  const reply = await session.regenerate({ ...sendOptions, abortedReply: 'keep' });
  return toChatCompletion(model, reply);
}

/** @internal A session's reply in OpenAI's chat completion shape (shared by `createCompletion` and `streamCompletion`). */
export function toChatCompletion(model: Model, reply: ChatReply): ChatCompletion {
  const toolCalls = reply.toolCalls.map((c): CompletionToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  return {
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: model.displayName,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reply.reasoning !== undefined ? { reasoning_content: reply.reasoning } : {}),
        },
        finish_reason: reply.finishReason === 'length' || reply.finishReason === 'abort' ? reply.finishReason : toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: reply.usage.promptTokens,
      completion_tokens: reply.usage.completionTokens,
      total_tokens: reply.usage.promptTokens + reply.usage.completionTokens,
      cached_tokens: reply.usage.cachedTokens,
    },
    timings: reply.timings,
  };
}

