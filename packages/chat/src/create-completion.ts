import type { ChatMessage } from './chat-message.js';
import { invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';
import type { ChatSessionOptions, SendOptions } from './session-options.js';

/** Options of {@link createCompletion}: sampling, stop strings, signal, and the session's template options. */
export interface CreateCompletionOptions extends SendOptions, Pick<ChatSessionOptions, 'template' | 'contextOverflow' | 'specialTokensInContent'> {}

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
      message: { role: 'assistant'; content: string };
      /** `'stop'` (end of turn or a stop string), `'length'`, or `'abort'`. */
      finish_reason: 'stop' | 'length' | 'abort';
    },
  ];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    /** Prompt tokens reused from the KV cache. */
    cached_tokens: number;
  };
}

/**
 * Answers the last user message of `messages`, OpenAI style — for code coming from the old
 * `gpt4all` package. The messages are rendered with the model's chat template on a context the
 * model keeps between calls, so sending a growing conversation evaluates only what is new.
 *
 * @example
 * ```ts
 * const completion = await createCompletion(model, [{ role: 'user', content: 'What is 1 + 1?' }]);
 * console.log(completion.choices[0].message.content);
 * ```
 */
export async function createCompletion(model: Model, messages: readonly ChatMessage[], options: CreateCompletionOptions = {}): Promise<ChatCompletion> {
  if (!Array.isArray(messages) || messages.at(-1)?.role !== 'user') throw invalidArgument('messages must be a list that ends with a user message');
  const { template, contextOverflow, specialTokensInContent, ...sendOptions } = options;
  // No default system message is slipped in: the caller's messages are the whole conversation.
  const session = model.sharedSession({ messages, template, contextOverflow, specialTokensInContent, systemMessage: null });
  const reply = await session.regenerate({ ...sendOptions, abortedReply: 'keep' });
  return {
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: model.displayName,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text },
        finish_reason: reply.finishReason === 'length' || reply.finishReason === 'abort' ? reply.finishReason : 'stop',
      },
    ],
    usage: {
      prompt_tokens: reply.usage.promptTokens,
      completion_tokens: reply.usage.completionTokens,
      total_tokens: reply.usage.promptTokens + reply.usage.completionTokens,
      cached_tokens: reply.usage.cachedTokens,
    },
  };
}
