import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { createCompletion, loadModel, type ChatMessage, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

const options = { ...greedy, maxTokens: 12 };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 1 + 1?' },
];

describe('createCompletion', () => {
  it('answers OpenAI style, as a session with the same history does', async () => {
    const completion = await createCompletion(model, messages, options);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(model.info.name);
    const [choice] = completion.choices;
    expect(choice.message.role).toBe('assistant');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    const { usage } = completion;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);

    const chat = model.createChatSession({ ...options, messages: messages.slice(0, 1) });
    const reply = await chat.send('What is 1 + 1?');
    expect(choice.message.content).toBe(reply.text);
    expect(usage.prompt_tokens).toBe(reply.usage.promptTokens);
    expect(usage.completion_tokens).toBe(reply.usage.completionTokens);
    await chat.dispose();
  });

  it('reuses the cache when the conversation grows between calls', async () => {
    const first = await createCompletion(model, messages, options);
    const grown: ChatMessage[] = [...messages, first.choices[0].message, { role: 'user', content: 'And 2 + 2?' }];
    const second = await createCompletion(model, grown, options);
    expect(second.usage.cached_tokens).toBeGreaterThanOrEqual(first.usage.prompt_tokens);
    await expect(createCompletion(model, grown.slice(0, -1), options)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('finish_reason', () => {
  it("is 'stop' for a reply the model ended itself", async () => {
    // Scripted: greedy decoding says its piece, then the end-of-sequence token.
    await using scripted = await loadModel(await testModelPath('deepseekR1'), { ...loadOptions, catalog: false });
    const question: ChatMessage[] = [{ role: 'user', content: 'What is 2 + 2?' }];
    const session = scripted.createChatSession({ ...greedy, maxTokens: 40 });
    expect((await session.send('What is 2 + 2?')).finishReason).toBe('eog');
    const completion = await createCompletion(scripted, question, { ...greedy, maxTokens: 40 });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.choices[0].message.content).toContain('The answer is 4.');
  });
});

describe("with a catalog entry's system message and sampling overrides", () => {
  it('createCompletion adds no system message, and complete takes the overrides as its defaults', async () => {
    const path = await testModelPath('chat');
    const entry = { name: 'Catalogued', filename: basename(path), systemMessage: 'From the catalog.', temperature: 0, maxLength: 3 };
    await using catalogued = await loadModel(path, { ...loadOptions, catalog: [entry] });
    expect(catalogued.catalogEntry?.systemMessage).toBe('From the catalog.');

    const completion = await createCompletion(catalogued, messages.slice(1), options);
    expect(completion.model).toBe('Catalogued');
    const bare = catalogued.createChatSession({ ...options, systemMessage: null });
    expect(completion.usage.prompt_tokens).toBe(bare.renderPrompt([...messages.slice(1)]).tokens.length);
    await bare.dispose();

    const prompt = 'Once upon a time';
    const byDefault = await catalogued.complete(prompt);
    const explicit = await model.complete(prompt, { ...options, maxTokens: 3 });
    expect(byDefault.usage.completionTokens).toBe(explicit.usage.completionTokens);
    expect(byDefault.text).toBe(explicit.text);
  });
});

describe('model.complete', () => {
  it('continues raw text with no template, as the engine does', async () => {
    const prompt = 'The quick brown fox';
    const completion = await model.complete(prompt, options);
    const context = await model.engine.createContext({ contextSize: 256, threads: 1 });
    const engine = await context.generate(prompt, { ...options, topK: 40, topP: 0.4, minP: 0, repeatPenalty: 1.18, repeatLastN: 64 });
    expect(completion.text).toBe(engine.text);
    expect(completion.usage).toEqual({ promptTokens: engine.promptTokens, completionTokens: engine.completionTokens, cachedTokens: 0 });
    const pieces: string[] = [];
    const again = await model.complete(`${prompt}${completion.text}`, { ...options, onToken: (text) => pieces.push(text) });
    expect(again.usage.cachedTokens).toBeGreaterThan(0);
    expect(pieces.join('')).toBe(again.text);
    await context.dispose();
  });

  it('ends before a stop string, never emitting it, and ignores an empty one', async () => {
    const prompt = 'Once upon a time';
    const free = await model.complete(prompt, { ...options, maxTokens: 24 });
    expect(free.text.length).toBeGreaterThan(8);
    const stop = free.text.slice(free.text.length >> 1).slice(0, 3);
    const stopped = await model.complete(prompt, { ...options, maxTokens: 24, stop: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    const emptyStop = await model.complete(prompt, { ...options, maxTokens: 24, stop: [''] });
    expect(emptyStop.text).toBe(free.text);
  });
});
