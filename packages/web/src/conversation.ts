/** The shape of a conversation as the app keeps it (IndexedDB) and exports it (JSON). */
import type { GenerationDefaults } from './app-api-types.js';

/** Which chat template a conversation's requests use. */
export type TemplateChoice =
  | { kind: 'model' } // the model's own: no `chat_template` sent
  | { kind: 'preset'; name: string } // a preset of @gpt4all/templates, sent as its Jinja source
  | { kind: 'custom'; source: string }; // the user's Jinja

/** The server's generation defaults (what a new conversation starts from), plus the conversation's system message and template. */
export interface ConversationSettings extends GenerationDefaults {
  systemMessage: string;
  template: TemplateChoice;
}

/** Speed and context use of one reply, from the stream's last chunks. */
export interface ReplyStats {
  /** Tokens/s of the reply, when the server sent `timings`. */
  tokensPerSecond: number | null;
  /** Tokens in the context after the reply (prompt + reply), when the server sent `usage`. */
  totalTokens: number | null;
  contextSize: number | null;
}

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** A thinking model's reasoning (`reasoning_content`). */
  reasoning?: string;
  stats?: ReplyStats;
  /** How a reply ended short, when it did: it reached its max tokens, the user stopped it, or an error cut it off. */
  ending?: ReplyEnding;
}

export const REPLY_ENDINGS = ['max-tokens', 'stopped', 'interrupted'] as const;
export type ReplyEnding = (typeof REPLY_ENDINGS)[number];

export interface Conversation {
  id: string;
  title: string;
  /** An AppModel id, or null before one is picked. */
  modelId: string | null;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
  settings: ConversationSettings;
}

export const TITLE_LENGTH = 40;

/** A conversation's title: the first user message's first 40 characters, on one line. */
export function titleFromMessage(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_LENGTH ? line.slice(0, TITLE_LENGTH) : line || 'New chat';
}

export function newId(): string {
  return crypto.randomUUID();
}
