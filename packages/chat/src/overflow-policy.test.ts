import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { ContextOverflowError, loadModel, type ChatMessage, type Model } from './index.js';
import { fitConversation } from './overflow-policy.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

const system: ChatMessage = { role: 'system', content: 'You are a test assistant.' };
const options = { ...greedy, maxTokens: 16, systemMessage: system.content as string, contextSize: 192 };
const question = (i: number) => `Question number ${i}: what comes after ${i}?`;

describe('context overflow', () => {
  it('keeps a long chat going by dropping the oldest turns, with the system message first', async () => {
    const chat = model.createChatSession(options);
    let dropped = 0;
    for (let i = 0; i < 12; i++) {
      const reply = await chat.send(question(i));
      expect(reply.usage.promptTokens + options.maxTokens).toBeLessThanOrEqual(options.contextSize);
      expect(reply.droppedMessages % 2).toBe(0); // whole turns only
      expect(reply.droppedMessages).toBeGreaterThanOrEqual(dropped); // the window only moves forward
      dropped = reply.droppedMessages;

      // The prompt was exactly the system message plus the newest turns...
      const history = chat.messages.slice(1, -1);
      const window = [system, ...history.slice(dropped)];
      const prompt = chat.renderPrompt(window);
      expect(reply.usage.promptTokens).toBe(prompt.tokens.length);
      expect(prompt.text.startsWith(`<|im_start|>system\n${system.content}`)).toBe(true);
      // ...so a fresh session holding only those gives the same reply.
      if (i === 11) {
        const fresh = model.createChatSession({ ...options, messages: window.slice(0, -1) });
        expect((await fresh.send(question(i))).text).toBe(reply.text);
        await fresh.dispose();
      }
    }
    expect(dropped).toBeGreaterThan(0);
    // The history itself is whole.
    expect(chat.messages).toHaveLength(1 + 2 * 12);
    expect(chat.messages[0]).toEqual(system);
    await chat.dispose();
  });

  it("throws ERR_CONTEXT_OVERFLOW under 'error', leaving the session as it was", async () => {
    const chat = model.createChatSession({ ...options, contextOverflow: 'error' });
    let error: unknown;
    for (let i = 0; i < 12 && !error; i++) error = await chat.send(question(i)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as ContextOverflowError).code).toBe('ERR_CONTEXT_OVERFLOW');
    expect(chat.messages.at(-1)?.role).toBe('assistant');
    chat.messages = chat.messages.slice(0, 3);
    expect((await chat.send('Short.')).finishReason).not.toBe('abort');
    await chat.dispose();
  });

  it('rejects one message larger than the context with a clear error, and stays usable', async () => {
    const chat = model.createChatSession(options);
    await chat.send('Hello.');
    const before = chat.messages;
    const huge = 'word '.repeat(400);
    const error = await chat.send(huge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as Error).message).toMatch(/last message is too long/);
    expect((error as ContextOverflowError).contextSize).toBe(options.contextSize);
    expect(chat.messages).toEqual(before);
    expect((await chat.send('Hello again.')).usage.completionTokens).toBeGreaterThan(0);
    await chat.dispose();
  });
});

describe('fitConversation', () => {
  // One token per character of content, plus two per message: easy to reason about.
  const tokenize = (messages: readonly ChatMessage[]) => messages.flatMap((m) => Array.from({ length: 2 + String(m.content).length }, () => 0));
  const turn = (n: number, length: number): ChatMessage[] => [
    { role: 'user', content: 'u'.repeat(length) + n },
    { role: 'assistant', content: 'a'.repeat(length) },
  ];
  const messages = [system, ...turn(1, 20), ...turn(2, 20), ...turn(3, 20), { role: 'user', content: 'last' }];

  it('keeps everything that fits', () => {
    const fitted = fitConversation({ messages, windowStart: 0, contextSize: 1000, replyRoom: 100, policy: 'drop-oldest', tokenize });
    expect(fitted.windowStart).toBe(0);
    expect(fitted.tokens.length).toBe(tokenize(messages).length);
    expect(fitted.replyRoom).toBe(1000 - fitted.tokens.length);
  });

  it('drops whole turns until a quarter of the context is spare', () => {
    // 27 (system) + 3 × 45 (turns) + 6 (last) = 168 tokens; 200 - 40 room - 50 spare leaves 110.
    const fitted = fitConversation({ messages, windowStart: 0, contextSize: 200, replyRoom: 40, policy: 'drop-oldest', tokenize });
    expect(fitted.windowStart).toBe(4);
    expect(fitted.tokens.length).toBe(27 + 45 + 6);
  });

  it('reserves at most half the context for the reply', () => {
    // 168 tokens and 300 for the reply do not fit 400; with the room capped at 200 they do.
    const fitted = fitConversation({ messages, windowStart: 0, contextSize: 400, replyRoom: 300, policy: 'error', tokenize });
    expect(fitted.windowStart).toBe(0);
    expect(fitted.replyRoom).toBe(400 - 168);
  });

  it('keeps the previous window when it still fits', () => {
    const fitted = fitConversation({ messages, windowStart: 2, contextSize: 1000, replyRoom: 40, policy: 'drop-oldest', tokenize });
    expect(fitted.windowStart).toBe(2);
  });

  it('shrinks the reply room for a last turn that only just fits, and rejects one that does not', () => {
    const long = [system, { role: 'user', content: 'x'.repeat(100) }];
    const fitted = fitConversation({ messages: long, windowStart: 0, contextSize: 140, replyRoom: 40, policy: 'drop-oldest', tokenize });
    expect(fitted.replyRoom).toBe(140 - 129);
    expect(() => fitConversation({ messages: long, windowStart: 0, contextSize: 120, replyRoom: 40, policy: 'drop-oldest', tokenize })).toThrow(ContextOverflowError);
    expect(() => fitConversation({ messages, windowStart: 0, contextSize: 200, replyRoom: 40, policy: 'error', tokenize })).toThrow(ContextOverflowError);
  });
});
