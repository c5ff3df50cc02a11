import { getPreset } from '@gpt4all/templates';
import { describe, expect, it } from 'vitest';
import { buildChatRequest } from './chat-request.js';

const presets = (name: string) => getPreset(name)?.template;
import { applyChunk, emptyReply, StreamError } from './chat-stream.js';
import type { ConversationSettings } from './conversation.js';
import { FALLBACK_DEFAULTS, settingsFromDefaults } from './conversation-settings.js';
import { formatStats } from './reply-stats.js';

const settings: ConversationSettings = {
  ...settingsFromDefaults(FALLBACK_DEFAULTS),
  temperature: 0.3,
  topP: 0.9,
  topK: 20,
  minP: 0.05,
  repeatPenalty: 1.1,
  maxTokens: 256,
  contextSize: 4096,
};
const messages = [
  { id: '1', role: 'user' as const, content: 'Hi' },
  { id: '2', role: 'assistant' as const, content: 'Hello!', reasoning: 'be nice' },
  { id: '3', role: 'user' as const, content: 'Bye' },
];

describe('buildChatRequest', () => {
  it('maps the settings to the request fields', () => {
    const body = buildChatRequest({ modelId: 'm.gguf', settings }, messages, presets);
    expect(body).toEqual({
      model: 'm.gguf',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Bye' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      top_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      repeat_penalty: 1.1,
      max_tokens: 256,
      context_overflow: 'drop-oldest',
    });
  });

  it('puts the system message first', () => {
    const body = buildChatRequest({ modelId: 'm', settings: { ...settings, systemMessage: ' Be brief. ' } }, messages, presets);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it("sends a preset's Jinja source, a custom template, and nothing for the model's own", () => {
    const preset = buildChatRequest({ modelId: 'm', settings: { ...settings, template: { kind: 'preset', name: 'chatml' } } }, messages, presets);
    expect(preset.chat_template).toBe(getPreset('chatml')!.template);
    const custom = buildChatRequest({ modelId: 'm', settings: { ...settings, template: { kind: 'custom', source: '{{ x }}' } } }, messages, presets);
    expect(custom.chat_template).toBe('{{ x }}');
    expect('chat_template' in buildChatRequest({ modelId: 'm', settings }, messages, presets)).toBe(false);
  });

  it('needs a model', () => {
    expect(() => buildChatRequest({ modelId: null, settings }, messages, presets)).toThrow(/model/);
  });
});

describe('applyChunk', () => {
  it('accumulates content, reasoning, usage and timings', () => {
    let reply = emptyReply();
    reply = applyChunk(reply, '{"choices":[{"delta":{"role":"assistant","reasoning_content":"hmm"}}]}');
    reply = applyChunk(reply, '{"choices":[{"delta":{"content":"Hel"}}]}');
    reply = applyChunk(reply, '{"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}');
    reply = applyChunk(
      reply,
      '{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12},"timings":{"prompt_n":10,"prompt_ms":5,"predicted_n":2,"predicted_ms":100,"predicted_per_second":20,"cache_n":0}}',
    );
    expect(reply).toMatchObject({ content: 'Hello', reasoning: 'hmm', finishReason: 'stop', promptTokens: 10, totalTokens: 12 });
    expect(reply.timings?.predicted_per_second).toBe(20);
  });

  it('throws the message of an error chunk', () => {
    expect(() => applyChunk(emptyReply(), '{"error":{"message":"context full"}}')).toThrow(StreamError);
  });
});

describe('formatStats', () => {
  it('formats speed and context use', () => {
    expect(formatStats({ tokensPerSecond: 12.345, totalTokens: 345, contextSize: 2048 })).toBe('12.3 tok/s · 345 / 2048 tokens');
    expect(formatStats({ tokensPerSecond: null, totalTokens: 345, contextSize: null })).toBe('345 tokens');
  });
});
