import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { KV_CACHE_TYPES, loadModel, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
});
afterAll(() => model.dispose());

const argmax = (values: Float32Array): number => values.reduce((best, value, i) => (value > values[best]! ? i : best), 0);

describe('logits', () => {
  it('are one per vocabulary entry, and their argmax is the token greedy generation picks', async () => {
    await using context = await model.createContext({ contextSize: 256 });
    const prompt = model.tokenize('Once upon a time');
    const logits = await context.logits(prompt);
    expect(logits).toBeInstanceOf(Float32Array);
    expect(logits.length).toBe(model.info.vocabSize);
    const reply = await context.generate(prompt, { maxTokens: 1, temperature: 0, repeatPenalty: 1 });
    expect(reply.tokens[0]).toBe(argmax(logits));
    // Asked again, only the last token is evaluated again (the rest is cached): the same scores,
    // to the rounding of a batch of one instead of five.
    const again = await context.logits(prompt);
    expect(Math.max(...again.map((value, i) => Math.abs(value - logits[i]!)))).toBeLessThan(1e-3);
  });

  it('with a float32 cache and no flash attention, as with the defaults to float16 rounding', async () => {
    await using exact = await model.createContext({ contextSize: 256, kvCacheType: 'f32', flashAttention: false });
    await using usual = await model.createContext({ contextSize: 256 });
    const prompt = model.tokenize('The quick brown fox jumps over the lazy dog, again and again.');
    const a = await exact.logits(prompt);
    const b = await usual.logits(prompt);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThan(0.05);
  });
});

describe('KV cache types', () => {
  it('lists llama.cpp cache types, generates with bf16, refuses what the model cannot hold, and an unknown name', async () => {
    expect(KV_CACHE_TYPES).toEqual(expect.arrayContaining(['f16', 'f32', 'q8_0']));
    await using bf16 = await model.createContext({ contextSize: 256, kvCacheType: 'bf16' });
    const reply = await bf16.generate('Hello', { maxTokens: 4, temperature: 0 });
    expect(reply.tokens).toHaveLength(4);
    // q8_0 blocks hold 32 values; this model's heads have 16.
    await expect(model.createContext({ kvCacheType: 'q8_0' })).rejects.toMatchObject({
      code: 'ERR_CONTEXT_CREATE',
      message: expect.stringContaining('block size 32'),
    });
    await expect(model.createContext({ kvCacheType: 'f7' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('q8_0'),
    });
  });
});
