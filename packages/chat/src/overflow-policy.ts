import { ContextOverflowError } from '@gpt4all/core';
import type { ChatMessage } from './chat-message.js';

/**
 * What a session does when the conversation no longer fits its context:
 * - `'drop-oldest'` (default): leave the oldest turns out of the prompt (whole turns, from a user
 *   message to the next), always keeping the system message. `messages` keeps the full history.
 * - `'error'`: throw a `ContextOverflowError` (`ERR_CONTEXT_OVERFLOW`).
 */
export type ContextOverflowPolicy = 'drop-oldest' | 'error';

/** Inputs of {@link fitConversation}. */
export interface FitRequest {
  /** The whole conversation, ending with the user message to answer. */
  messages: readonly ChatMessage[];
  /** Index into the non-system messages where the previous prompt started (kept if it still fits). */
  windowStart: number;
  contextSize: number;
  /** Tokens to keep free for the reply (at most half the context is reserved). */
  replyRoom: number;
  policy: ContextOverflowPolicy;
  /** Renders and tokenizes messages as a prompt. */
  tokenize: (messages: readonly ChatMessage[]) => number[];
}

/** A prompt that fits. */
export interface FittedPrompt {
  tokens: number[];
  /** Index into the non-system messages of the first message in the prompt. */
  windowStart: number;
  /** Tokens left in the context for the reply. */
  replyRoom: number;
}

/**
 * Fits a conversation into a context. When turns must go, it drops until a quarter of the context
 * is spare, so that the following turns reuse the KV cache instead of each one shifting the window
 * (which re-evaluates everything after the system message).
 * @throws {ContextOverflowError} under `'error'`, or when even the last message does not fit.
 */
export function fitConversation(request: FitRequest): FittedPrompt {
  const { messages, contextSize, policy } = request;
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const history = messages.slice(system.length);
  const lastUser = history.findLastIndex((message) => message.role === 'user');
  const replyRoom = Math.min(request.replyRoom, Math.floor(contextSize / 2));
  const render = (start: number) => request.tokenize([...system, ...history.slice(start)]);
  const fitted = (tokens: number[], windowStart: number) => ({ tokens, windowStart, replyRoom: contextSize - tokens.length });

  let start = Math.max(0, Math.min(request.windowStart, lastUser === -1 ? 0 : lastUser));
  let tokens = render(start);
  if (tokens.length + replyRoom <= contextSize) return fitted(tokens, start);
  if (policy === 'error') {
    throw new ContextOverflowError(
      `the conversation needs ${tokens.length} tokens plus ${replyRoom} for the reply, and the context holds ${contextSize}` +
        " (use contextOverflow: 'drop-oldest' to leave old turns out)",
      tokens.length + replyRoom,
      contextSize,
    );
  }
  const target = contextSize - replyRoom - Math.floor(contextSize / 4);
  while (tokens.length > target) {
    const next = history.findIndex((message, index) => index > start && index <= lastUser && message.role === 'user');
    if (next === -1) break;
    start = next;
    tokens = render(start);
  }
  // With only the last turn left, a reply shorter than asked for beats no reply.
  if (tokens.length < contextSize) return fitted(tokens, start);
  throw new ContextOverflowError(
    `the last message is too long: ${system.length > 0 ? 'with the system message ' : ''}it needs ${tokens.length} tokens, and the context holds ${contextSize}`,
    tokens.length,
    contextSize,
  );
}
