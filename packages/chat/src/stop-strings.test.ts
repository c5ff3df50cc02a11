import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { loadModel, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

const options = { ...greedy, maxTokens: 40, systemMessage: 'You are a test assistant.' };

describe('stop strings', () => {
  it('honours a stop string split across two tokens and never emits it', async () => {
    const free = model.createChatSession(options);
    const tokens: number[] = [];
    const freeReply = await free.send('Write something long.', { onToken: (_, token) => tokens.push(token) });
    const pieces = tokens.map((t) => model.engine.detokenize([t]));
    // Two neighbouring tokens with at least two characters each: the stop string takes the end of
    // one and the start of the other.
    const k = pieces.findIndex((p, i) => i > 1 && p.trim().length >= 2 && (pieces[i + 1]?.trim().length ?? 0) >= 2 && !p.includes('\uFFFD'));
    expect(k).toBeGreaterThan(0);
    const stop = pieces[k]!.slice(-2) + pieces[k + 1]!.slice(0, 2);
    expect(freeReply.text).toContain(stop);

    const stopped = model.createChatSession(options);
    const chunks: string[] = [];
    const reply = await stopped.send('Write something long.', { stop: [stop], onToken: (text) => chunks.push(text) });
    expect(reply.finishReason).toBe('stop');
    expect(reply.text).toBe(freeReply.text.slice(0, freeReply.text.indexOf(stop)));
    expect(reply.text).not.toContain(stop);
    expect(chunks.join('')).toBe(reply.text);
    // The reply keeps the ids it was generated as, up to the stop string (the text of a token the
    // stop string cuts is tokenized).
    const kept = stopped.messages.at(-1)!;
    expect(kept).toMatchObject({ role: 'assistant', content: reply.text });
    expect(model.engine.detokenize(kept.tokens!)).toBe(reply.text);
    let whole = tokens.length;
    while (!reply.text.startsWith(model.engine.detokenize(tokens.slice(0, whole)))) whole--;
    expect(whole).toBeGreaterThan(0);
    expect(kept.tokens!.slice(0, whole)).toEqual(tokens.slice(0, whole));

    // A session-wide stop string works the same way.
    const sessionWide = model.createChatSession({ ...options, stop: [stop] });
    expect(sessionWide.stopStrings).toContain(stop);
    expect((await sessionWide.send('Write something long.')).text).toBe(reply.text);
    await Promise.all([free.dispose(), stopped.dispose(), sessionWide.dispose()]);
  });

  it("uses the template's end-of-turn markers as stop strings", () => {
    const chat = model.createChatSession(options);
    expect(chat.templateSource).toBe('model');
    expect(chat.stopStrings).toContain('<|im_end|>');
    const chatml = model.createChatSession({ ...options, template: 'chatml' });
    expect(chatml.stopStrings).toEqual(expect.arrayContaining(['<|im_end|>', '<|im_start|>']));
  });
});
