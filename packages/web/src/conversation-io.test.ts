import { describe, expect, it } from 'vitest';
import type { Conversation } from './conversation.js';
import { ImportError, exportConversations, parseConversationsFile } from './conversation-io.js';
import { FALLBACK_DEFAULTS, settingsFromDefaults } from './conversation-settings.js';

const sample: Conversation = {
  id: 'c1',
  title: 'Hello there',
  modelId: 'model.gguf',
  createdAt: 1,
  updatedAt: 2,
  messages: [
    { id: 'm1', role: 'user', content: 'Hello there' },
    { id: 'm2', role: 'assistant', content: 'Hi!', reasoning: 'greet', stats: { tokensPerSecond: 10, totalTokens: 20, contextSize: 2048 } },
  ],
  settings: { ...settingsFromDefaults(FALLBACK_DEFAULTS), template: { kind: 'preset', name: 'chatml' } },
};

describe('conversation export/import', () => {
  it('round-trips', () => {
    expect(parseConversationsFile(exportConversations([sample]))).toEqual([sample]);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseConversationsFile('{oops')).toThrow(ImportError);
    expect(() => parseConversationsFile('{oops')).toThrow(/not JSON/);
  });

  it('refuses JSON that is not an export', () => {
    expect(() => parseConversationsFile('[1,2]')).toThrow(/not a GPT4All conversations export/);
    expect(() => parseConversationsFile('{"format":"gpt4all-web-conversations","version":9,"conversations":[]}')).toThrow(/version 9/);
  });

  it('names the field that is wrong', () => {
    const file = JSON.parse(exportConversations([sample]));
    file.conversations[0].messages[1].role = 'system';
    expect(() => parseConversationsFile(JSON.stringify(file))).toThrow('conversations[0].messages[1].role should be "user" or "assistant"');
    const file2 = JSON.parse(exportConversations([sample]));
    file2.conversations[0].settings.temperature = 'hot';
    expect(() => parseConversationsFile(JSON.stringify(file2))).toThrow('conversations[0].settings.temperature should be a number');
  });

  it('refuses settings the server would refuse', () => {
    for (const [key, bad, expected] of [
      ['contextSize', 1e12, 'a whole number from 128 to 2147483647'],
      ['maxTokens', 0.5, 'a whole number from 1 to 2147483647'],
      ['temperature', 3, 'a number from 0 to 2'],
      ['repeatPenalty', 0, 'a number from 0.01 to 3'],
    ] as const) {
      const file = JSON.parse(exportConversations([sample]));
      file.conversations[0].settings[key] = bad;
      expect(() => parseConversationsFile(JSON.stringify(file))).toThrow(`conversations[0].settings.${key} should be ${expected}`);
    }
  });

  it('fills optional fields', () => {
    const file = JSON.parse(exportConversations([sample]));
    delete file.conversations[0].settings.systemMessage;
    delete file.conversations[0].settings.template;
    const [imported] = parseConversationsFile(JSON.stringify(file));
    expect(imported!.settings.systemMessage).toBe('');
    expect(imported!.settings.template).toEqual({ kind: 'model' });
  });
});
