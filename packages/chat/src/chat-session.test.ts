import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { commonPrefix, greedy, loadOptions } from '../test/helpers.js';
import { ChatSession, Gpt4AllError, loadModel, type ChatMessage, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

const questions = ['Hello there!', 'What is the capital of France?', 'Tell me a joke.', 'Why is the sky blue?', 'Thanks, bye.'];
const options = { ...greedy, maxTokens: 16, systemMessage: 'You are a test assistant.' };

describe('KV-cache reuse', () => {
  it('gives a 5-turn chat the same last reply as a fresh session seeded with its history, evaluating only new tokens', async () => {
    const chat = model.createChatSession(options);
    const replies = [];
    for (const question of questions) replies.push(await chat.send(question));
    expect(chat.messages).toHaveLength(1 + 2 * questions.length);

    for (let turn = 1; turn < replies.length; turn++) {
      const { usage } = replies[turn]!;
      const previous = replies[turn - 1]!.usage;
      // Everything up to the end of the previous prompt came from the cache (and at most the
      // previous reply besides, which is all the cache holds)...
      expect(usage.cachedTokens).toBeGreaterThanOrEqual(previous.promptTokens);
      expect(usage.cachedTokens).toBeLessThanOrEqual(previous.promptTokens + replies[turn - 1]!.usage.completionTokens);
      // ...so this turn evaluated at most the previous reply, the new message and their framing.
      expect(usage.promptTokens - usage.cachedTokens).toBeLessThanOrEqual(usage.promptTokens - previous.promptTokens);
      expect(usage.promptTokens - usage.cachedTokens).toBeGreaterThan(0);
    }

    const history = chat.messages.slice(0, -2);
    // A context of its own: on the model's shared one it would find this history cached.
    const fresh = model.createChatSession({ ...options, messages: history, contextSize: chat.contextSize });
    const last = await fresh.send(questions.at(-1)!);
    expect(last.usage.cachedTokens).toBe(0);
    expect(last.usage.promptTokens).toBe(replies.at(-1)!.usage.promptTokens);
    expect(last.text).toBe(replies.at(-1)!.text);
    await Promise.all([chat.dispose(), fresh.dispose()]);
  });

  it('reuses the cache up to the first changed token after an edit', async () => {
    const chat = model.createChatSession(options);
    for (const question of questions.slice(0, 3)) await chat.send(question);
    const before = chat.renderPrompt(chat.messages.slice(0, -1)).tokens; // the last prompt sent

    const edited = chat.messages;
    edited[3] = { role: 'user', content: 'What is the capital of Italy?' };
    chat.messages = edited.slice(0, 5);
    const after = chat.renderPrompt([...chat.messages, { role: 'user', content: 'And Spain?' }]).tokens;
    const reply = await chat.send('And Spain?');

    const shared = commonPrefix(before, after);
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(before.length);
    expect(reply.usage.promptTokens).toBe(after.length);
    expect(reply.usage.cachedTokens).toBe(shared);

    const fresh = model.createChatSession({ ...options, messages: chat.messages.slice(0, -2) });
    expect((await fresh.send('And Spain?')).text).toBe(reply.text);
    await Promise.all([chat.dispose(), fresh.dispose()]);
  });

  it('regenerates the last reply re-evaluating only what it must', async () => {
    const chat = model.createChatSession(options);
    await chat.send(questions[0]!);
    const first = await chat.send(questions[1]!);
    const again = await chat.regenerate();
    expect(again.text).toBe(first.text);
    expect(again.usage.promptTokens).toBe(first.usage.promptTokens);
    // Only the prompt's last token is evaluated again, for its logits.
    expect(again.usage.cachedTokens).toBe(first.usage.promptTokens - 1);
    expect(chat.messages).toHaveLength(5);
    expect(chat.messages.at(-1)).toEqual({ role: 'assistant', content: again.text, tokens: expect.any(Array) });
    await chat.dispose();
  });
});

describe('history', () => {
  it('seeds a session with existing messages and continues from them', async () => {
    const seeded: ChatMessage[] = [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
    ];
    const chat = model.createChatSession({ ...options, messages: seeded });
    expect(chat.messages).toEqual([{ role: 'system', content: options.systemMessage }, ...seeded]);
    const reply = await chat.send('What is my name?');
    expect(reply.usage.promptTokens).toBe(chat.renderPrompt(chat.messages.slice(0, -1)).tokens.length);
    expect(chat.renderPrompt(chat.messages.slice(0, -1)).text).toContain('Nice to meet you, Ada.');
    await chat.dispose();
  });

  it('resets to the system message, and rejects regenerating with no user message', async () => {
    const chat = model.createChatSession(options);
    await chat.send('Hi');
    chat.reset();
    expect(chat.messages).toEqual([{ role: 'system', content: options.systemMessage }]);
    const error = await chat.regenerate().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_STATE' });
    expect(Gpt4AllError.isInstance(error)).toBe(true);
    await chat.dispose();
  });

  it('round-trips through JSON and continues identically', async () => {
    const chat = model.createChatSession({ ...options, stop: ['never-appears'], contextOverflow: 'error' });
    await chat.send(questions[0]!);
    await chat.send(questions[1]!);
    const saved = JSON.stringify(chat);
    const restored = ChatSession.fromJSON(saved, model);
    expect(restored.messages).toEqual(chat.messages);
    expect(restored.toJSON()).toEqual(chat.toJSON());
    const [a, b] = [await chat.send(questions[2]!), await restored.send(questions[2]!)];
    expect(b.text).toBe(a.text);
    expect(() => ChatSession.fromJSON('{"type":"other"}', model)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SESSION' }));
    await Promise.all([chat.dispose(), restored.dispose()]);
  });
});

describe('streaming and concurrency', () => {
  it('streams chunks that add up to the reply, the same as send gives', async () => {
    const streamed = model.createChatSession(options);
    const stream = streamed.stream(questions[0]!);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(result.text);
    const sent = model.createChatSession(options);
    expect((await sent.send(questions[0]!)).text).toBe(result.text);
    expect(streamed.messages).toEqual(sent.messages);
    await Promise.all([streamed.dispose(), sent.dispose()]);
  });

  it('queues two sends on one session in order', async () => {
    const chat = model.createChatSession(options);
    const [a, b] = await Promise.all([chat.send(questions[0]!), chat.send(questions[1]!)]);
    const roles = chat.messages.map((m) => `${m.role}:${m.content}`);
    expect(roles).toEqual([
      `system:${options.systemMessage}`,
      `user:${questions[0]}`,
      `assistant:${a.text}`,
      `user:${questions[1]}`,
      `assistant:${b.text}`,
    ]);
    const sequential = model.createChatSession(options);
    expect((await sequential.send(questions[0]!)).text).toBe(a.text);
    expect((await sequential.send(questions[1]!)).text).toBe(b.text);
    await Promise.all([chat.dispose(), sequential.dispose()]);
  });

  it('runs several sessions of one model side by side, each with its own context', async () => {
    const sessions = [0, 1, 2].map(() => model.createChatSession(options));
    const replies = await Promise.all(sessions.map((chat, i) => chat.send(questions[i]!)));
    for (const [i, reply] of replies.entries()) {
      const alone = model.createChatSession(options);
      expect((await alone.send(questions[i]!)).text).toBe(reply.text);
      await alone.dispose();
    }
    await Promise.all(sessions.map((chat) => chat.dispose()));
  });

  it('refuses to send once disposed, and model.dispose() disposes its sessions', async () => {
    const own = await loadModel(await testModelPath('chat'), loadOptions);
    const chat = own.createChatSession(options);
    await chat.send('Hi');
    await own.dispose();
    expect(chat.disposed).toBe(true);
    await expect(chat.send('Hi again')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(() => own.createChatSession()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  });
});
