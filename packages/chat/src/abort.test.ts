import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { loadModel, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

// Token callbacks reach JavaScript while the engine goes on generating, so an abort lands a few
// tokens after the callback that raised it: replies get room to run well past that point.
const options = { ...greedy, maxTokens: 256, systemMessage: 'You are a test assistant.' };
const short = { maxTokens: 16 };

/** Sends `content`, aborting after `after` tokens. */
function sendAborted(chat: ReturnType<Model['createChatSession']>, content: string, after: number, extra = {}) {
  const controller = new AbortController();
  let seen = 0;
  return chat.send(content, { ...extra, signal: controller.signal, onToken: () => ++seen === after && controller.abort() });
}

describe('abort', () => {
  it('stops a reply mid-way, keeps the partial reply, and the session goes on', async () => {
    const chat = model.createChatSession(options);
    await chat.send('Hello!', short);
    const aborted = await sendAborted(chat, 'Tell me a long story.', 4);
    expect(aborted.finishReason).toBe('abort');
    expect(aborted.usage.completionTokens).toBeGreaterThanOrEqual(4);
    expect(aborted.usage.completionTokens).toBeLessThan(options.maxTokens);
    expect(aborted.text.length).toBeGreaterThan(0);

    // The partial reply is a prefix of what the full reply would have been.
    const full = model.createChatSession({ ...options, messages: chat.messages.slice(0, -2) });
    const complete = await full.send('Tell me a long story.');
    expect(complete.text.startsWith(aborted.text)).toBe(true);
    expect(chat.messages.at(-1)).toEqual({ role: 'assistant', content: aborted.text, tokens: expect.any(Array) });

    const next = await chat.send('Go on.', short);
    expect(next.finishReason).not.toBe('abort');
    expect(next.usage.completionTokens).toBeGreaterThan(0);
    const seeded = model.createChatSession({ ...options, messages: chat.messages.slice(0, -2) });
    expect((await seeded.send('Go on.', short)).text).toBe(next.text);
    await Promise.all([chat.dispose(), full.dispose(), seeded.dispose()]);
  });

  it("drops the whole turn with abortedReply: 'discard'", async () => {
    const chat = model.createChatSession({ ...options, abortedReply: 'discard' });
    await chat.send('Hello!', short);
    const before = chat.messages;
    const aborted = await sendAborted(chat, 'Tell me a long story.', 3);
    expect(aborted.finishReason).toBe('abort');
    expect(chat.messages).toEqual(before);
    // Per call, the session's choice can be overridden.
    await sendAborted(chat, 'Tell me a long story.', 3, { abortedReply: 'keep' });
    expect(chat.messages).toHaveLength(before.length + 2);
    await chat.dispose();
  });

  it('gives back the previous reply when a regeneration is aborted and discarded', async () => {
    const chat = model.createChatSession(options);
    await chat.send('Hello!', short);
    const before = chat.messages;
    const controller = new AbortController();
    const reply = await chat.regenerate({ signal: controller.signal, abortedReply: 'discard', onToken: () => controller.abort() });
    expect(reply.finishReason).toBe('abort');
    expect(chat.messages).toEqual(before);
    await chat.dispose();
  });

  it('answers an already aborted signal with an empty aborted reply', async () => {
    const chat = model.createChatSession(options);
    const reply = await chat.send('Hello!', { signal: AbortSignal.abort() });
    expect(reply).toMatchObject({ text: '', finishReason: 'abort' });
    expect((await chat.send('Hello again!', short)).finishReason).not.toBe('abort');
    await chat.dispose();
  });

  it('aborts when a stream is left early', async () => {
    const chat = model.createChatSession(options);
    const stream = chat.stream('Tell me a long story.');
    const chunks: string[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunks.length === 3) break;
    }
    const result = await stream.result;
    expect(result.finishReason).toBe('abort');
    expect(result.text.startsWith(chunks.join(''))).toBe(true);
    expect(result.usage.completionTokens).toBeLessThan(options.maxTokens);
    expect((await chat.send('Go on.', short)).finishReason).not.toBe('abort');
    await chat.dispose();
  });

  it('stops a running reply when the session is disposed', async () => {
    const chat = model.createChatSession(options);
    let seen = 0;
    let disposed: Promise<void> | undefined;
    const reply = await chat.send('Tell me a long story.', { onToken: () => ++seen === 2 && (disposed = chat.dispose()) });
    await disposed;
    expect(reply.finishReason).toBe('abort');
    expect(reply.usage.completionTokens).toBeLessThan(options.maxTokens);
    expect(chat.disposed).toBe(true);
    await expect(chat.send('Hello?')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });

  it('stops a running regenerate() when the session is disposed', async () => {
    const chat = model.createChatSession(options);
    await chat.send('Tell me a long story.', short);
    let seen = 0;
    let disposed: Promise<void> | undefined;
    const reply = await chat.regenerate({ onToken: () => ++seen === 2 && (disposed = chat.dispose()) });
    await disposed;
    expect(reply.finishReason).toBe('abort');
    expect(reply.usage.completionTokens).toBeLessThan(options.maxTokens);
    expect(chat.disposed).toBe(true);
  });
});
