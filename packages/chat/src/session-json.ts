import type { LegacyTemplate } from '@gpt4all/templates';
import type { ChatMessage } from './chat-message.js';
import { ChatError } from './errors/chat-error.js';
import type { ContextOverflowPolicy } from './overflow-policy.js';
import type { SamplingOptions } from './sampling-defaults.js';
import type { AbortedReplyPolicy, ChatSessionOptions } from './session-options.js';

/** A saved chat session: plain JSON, from `chat.toJSON()` (or `JSON.stringify(chat)`). */
export interface ChatSessionJSON {
  type: 'gpt4all-chat-session';
  version: 1;
  /** The whole history, system message included (replies with the `tokens` the model generated). */
  messages: ChatMessage[];
  /** The template the session was given, when it was text (a custom renderer cannot be saved). */
  template?: string | LegacyTemplate;
  contextSize: number;
  contextOverflow: ContextOverflowPolicy;
  abortedReply: AbortedReplyPolicy;
  stop: string[];
  /** Present (true) when message text may hold control tokens. */
  specialTokensInContent?: boolean;
  /** The session's own sampling defaults (not the catalog's or GPT4All's, which are re-applied). */
  sampling: SamplingOptions;
}

/** Checks a saved session and turns it into the options that recreate it. */
export function sessionOptionsFromJSON(input: unknown): ChatSessionOptions {
  const json = typeof input === 'string' ? parse(input) : input;
  if (typeof json !== 'object' || json === null) invalid('not an object');
  const saved = json as Partial<ChatSessionJSON>;
  if (saved.type !== 'gpt4all-chat-session') invalid(`unknown type ${JSON.stringify(saved.type)}`);
  if (saved.version !== 1) invalid(`unsupported version ${JSON.stringify(saved.version)}`);
  if (!Array.isArray(saved.messages) || !saved.messages.every(isMessage)) invalid('messages must be a list of { role, content }');
  return {
    ...(typeof saved.sampling === 'object' && saved.sampling !== null ? saved.sampling : {}),
    messages: saved.messages,
    // The saved messages hold the system message, if there was one: no default is added again.
    systemMessage: null,
    template: saved.template,
    contextSize: saved.contextSize,
    contextOverflow: saved.contextOverflow,
    abortedReply: saved.abortedReply,
    stop: Array.isArray(saved.stop) ? saved.stop : undefined,
    specialTokensInContent: saved.specialTokensInContent === true,
  };
}

/** Whether `value` looks like a chat message. */
export function isMessage(value: unknown): value is ChatMessage {
  return typeof value === 'object' && value !== null && typeof (value as ChatMessage).role === 'string';
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalid(`not JSON (${(error as Error).message})`);
  }
}

function invalid(reason: string): never {
  throw new ChatError('ERR_INVALID_SESSION', `cannot restore the chat session: ${reason}`);
}
