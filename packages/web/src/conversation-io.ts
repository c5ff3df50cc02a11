/**
 * Export and import of conversations as a JSON file. Import checks every field, since the file
 * may come from anywhere: a bad file is refused as a whole with a message naming what is wrong.
 */
import { REPLY_ENDINGS, type Conversation, type ConversationSettings, type Message, type ReplyEnding, type ReplyStats, type TemplateChoice } from './conversation.js';
import { inRange, SETTING_RANGES } from './conversation-settings.js';

export const EXPORT_FORMAT = 'gpt4all-web-conversations';
export const EXPORT_VERSION = 1;

export interface ConversationExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  conversations: Conversation[];
}

export function exportConversations(conversations: Conversation[], now = new Date()): string {
  const file: ConversationExport = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), conversations };
  return JSON.stringify(file, null, 2);
}

/** What is wrong with an imported file, in words for the user. */
export class ImportError extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(path: string, expected: string): never {
  throw new ImportError(`Not a valid conversations file: ${path} should be ${expected}.`);
}

function str(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, 'a string');
}

function num(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a number');
}

function numOrNull(value: unknown, path: string): number | null {
  return value === null || value === undefined ? null : num(value, path);
}

function template(value: unknown, path: string): TemplateChoice {
  if (!isObject(value)) fail(path, 'an object');
  if (value.kind === 'model') return { kind: 'model' };
  if (value.kind === 'preset') return { kind: 'preset', name: str(value.name, `${path}.name`) };
  if (value.kind === 'custom') return { kind: 'custom', source: str(value.source, `${path}.source`) };
  return fail(`${path}.kind`, '"model", "preset" or "custom"');
}

function settings(value: unknown, path: string): ConversationSettings {
  if (!isObject(value)) fail(path, 'an object');
  const setting = (key: keyof typeof SETTING_RANGES): number => {
    const range = SETTING_RANGES[key];
    const number = num(value[key], `${path}.${key}`);
    return inRange(number, range) ? number : fail(`${path}.${key}`, `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`);
  };
  return {
    temperature: setting('temperature'),
    topP: setting('topP'),
    topK: setting('topK'),
    minP: setting('minP'),
    repeatPenalty: setting('repeatPenalty'),
    maxTokens: setting('maxTokens'),
    contextSize: setting('contextSize'),
    systemMessage: value.systemMessage === undefined ? '' : str(value.systemMessage, `${path}.systemMessage`),
    template: value.template === undefined ? { kind: 'model' } : template(value.template, `${path}.template`),
  };
}

function stats(value: unknown, path: string): ReplyStats | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) fail(path, 'an object');
  return {
    tokensPerSecond: numOrNull(value.tokensPerSecond, `${path}.tokensPerSecond`),
    totalTokens: numOrNull(value.totalTokens, `${path}.totalTokens`),
    contextSize: numOrNull(value.contextSize, `${path}.contextSize`),
  };
}

function message(value: unknown, path: string): Message {
  if (!isObject(value)) fail(path, 'an object');
  if (value.role !== 'user' && value.role !== 'assistant') fail(`${path}.role`, '"user" or "assistant"');
  const result: Message = { id: str(value.id, `${path}.id`), role: value.role, content: str(value.content, `${path}.content`) };
  if (value.reasoning !== undefined) result.reasoning = str(value.reasoning, `${path}.reasoning`);
  const replyStats = stats(value.stats, `${path}.stats`);
  if (replyStats) result.stats = replyStats;
  if (value.ending !== undefined) {
    if (!REPLY_ENDINGS.includes(value.ending as ReplyEnding)) fail(`${path}.ending`, REPLY_ENDINGS.map((e) => `"${e}"`).join(' or '));
    result.ending = value.ending as ReplyEnding;
  }
  return result;
}

function conversation(value: unknown, path: string): Conversation {
  if (!isObject(value)) fail(path, 'an object');
  if (!Array.isArray(value.messages)) fail(`${path}.messages`, 'a list');
  return {
    id: str(value.id, `${path}.id`),
    title: str(value.title, `${path}.title`),
    modelId: value.modelId === null || value.modelId === undefined ? null : str(value.modelId, `${path}.modelId`),
    createdAt: num(value.createdAt, `${path}.createdAt`),
    updatedAt: num(value.updatedAt, `${path}.updatedAt`),
    messages: value.messages.map((m, i) => message(m, `${path}.messages[${i}]`)),
    settings: settings(value.settings, `${path}.settings`),
  };
}

/** The conversations of an exported file's text; throws an ImportError naming the problem. */
export function parseConversationsFile(text: string): Conversation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportError('This file is not JSON, so it cannot be a conversations export.');
  }
  if (!isObject(data) || data.format !== EXPORT_FORMAT) {
    throw new ImportError('This JSON file is not a GPT4All conversations export.');
  }
  if (data.version !== EXPORT_VERSION) {
    throw new ImportError(`This export has version ${String(data.version)}; this app reads version ${EXPORT_VERSION}.`);
  }
  if (!Array.isArray(data.conversations)) fail('conversations', 'a list');
  return data.conversations.map((c, i) => conversation(c, `conversations[${i}]`));
}
