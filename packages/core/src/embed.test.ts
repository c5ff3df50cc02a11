import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { ContextOverflowError, loadModel, type Model } from './index.js';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

let bert: Model;
beforeAll(async () => {
  bert = await loadModel(await testModelPath('bert'));
});
afterAll(() => bert.dispose());

describe('embed', () => {
  const texts = ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'A kitten rests on a rug.'];

  it('returns one unit vector of embeddingLength per input, deterministically', async () => {
    const vectors = await bert.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(bert.info.embeddingLength);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(vectors[0]).not.toEqual(vectors[1]);
    const again = await bert.embed(texts);
    expect(again).toEqual(vectors);
  });

  it('gives each text the same vector alone as in a batch', async () => {
    const batch = await bert.embed(texts);
    const [alone] = await bert.embed(texts[1]!);
    // Close, not bit-identical: GPU backends sum a batch in another order than a single text.
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cosine(alone!, batch[1]!)).toBeGreaterThan(0.99999);
    expect(cosine(alone!, batch[0]!)).toBeLessThan(0.999);
  });

  it('leaves vectors unnormalised on request', async () => {
    const [raw] = await bert.embed(texts[0]!, { normalize: false });
    const [unit] = await bert.embed(texts[0]!);
    const n = norm(raw!);
    expect(Math.abs(n - 1)).toBeGreaterThan(1e-3);
    for (let i = 0; i < raw!.length; i++) expect(raw![i]! / n).toBeCloseTo(unit![i]!, 5);
  });

  it('rejects a text longer than the context', async () => {
    const long = 'word '.repeat(bert.info.contextLength * 2);
    const error = await bert.embed(long).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as ContextOverflowError).tokens).toBeGreaterThan(bert.info.contextLength);
    expect((error as ContextOverflowError).contextSize).toBeGreaterThan(0);
  });

  it('mean-pools generative models too', async () => {
    const llama = await loadModel(await testModelPath('llamaSpm'));
    const [v] = await llama.embed('hello there');
    expect(v!.length).toBe(llama.info.embeddingLength);
    expect(norm(v!)).toBeCloseTo(1, 5);
    await llama.dispose();
  });
});
