// Stop strings match control tokens by their text (issue #11, item 3). The model is scripted: at
// temperature 0 it replies `Sure thing`, then emits the control token `<|im_start|>` and invents
// the user's next turn, `user What next`, as a ChatML model that misses its `<|im_end|>` does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadModel, type Context, type Model } from './index.js';

let model: Model;
let context: Context;

beforeAll(async () => {
  model = await loadModel(await testModelPath('scriptedChatml'));
  context = await model.createContext({ contextSize: 256, threads: 1 });
});
afterAll(() => model?.dispose());

const prompt = '<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n';
const greedy = { temperature: 0, maxTokens: 32 } as const;

describe('a stop string naming a control token', () => {
  it('is about a control token that does not end generation (the premise)', () => {
    const ids = model.tokenize('<|im_start|>', { special: true });
    expect(ids).toHaveLength(1);
    expect(model.detokenize(ids)).toBe(''); // control tokens render as nothing...
    expect(model.detokenize(ids, { special: true })).toBe('<|im_start|>'); // ...unless asked
    expect(model.isEndOfGeneration(ids[0]!)).toBe(false);
  });

  it('ends generation before the control token, with finishReason stop', async () => {
    const result = await context.generate(prompt, { ...greedy, stop: ['<|im_start|>'] });
    expect(result.text).toBe('Sure thing');
    expect(result.finishReason).toBe('stop');
  });

  it('matches text that runs on from the control token into ordinary tokens', async () => {
    const result = await context.generate(prompt, { ...greedy, stop: ['<|im_start|>user'] });
    expect(result.text).toBe('Sure thing');
    expect(result.finishReason).toBe('stop');
  });

  it('is cut the same way with special: true', async () => {
    const result = await context.generate(prompt, { ...greedy, special: true, stop: ['<|im_start|>'] });
    expect(result.text).toBe('Sure thing');
    expect(result.finishReason).toBe('stop');
  });

  it('streams chunks that add up to the text and never hold part of the stop string', async () => {
    const stream = context.stream(prompt, { ...greedy, stop: ['<|im_start|>'] });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk.text);
    const result = await stream.result;
    expect(result.text).toBe('Sure thing');
    expect(chunks.join('')).toBe(result.text);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[<|]/);
  });
});

describe('control tokens in the output', () => {
  it('never appear without special: true, with or without stop strings elsewhere', async () => {
    const plain = await context.generate(prompt, greedy);
    expect(plain.text).toBe('Sure thinguser What next');
    expect(plain.finishReason).toBe('eog');

    const chunks: string[] = [];
    const streamed = await context.generate(prompt, { ...greedy, stop: ['never produced'], onToken: (c) => chunks.push(c.text) });
    expect(streamed.text).toBe('Sure thinguser What next');
    expect(chunks.join('')).toBe(streamed.text);
    expect(chunks.some((chunk) => chunk.includes('<|im_start|>'))).toBe(false);
  });

  it('appear as their text with special: true', async () => {
    const result = await context.generate(prompt, { ...greedy, special: true });
    expect(result.text).toBe('Sure thing<|im_start|>user What next');
    expect(result.finishReason).toBe('eog');
  });
});
