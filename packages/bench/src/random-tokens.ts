import type { BenchModel } from './models.js';

/**
 * Random token ids the way llama-bench makes them: BOS first when the vocabulary adds one, then
 * uniform ids over the whole vocabulary. Seeded, so every engine evaluates the very same tokens.
 */
export function randomTokens(model: Pick<BenchModel, 'vocabSize' | 'bosToken'>, count: number, seed: number): number[] {
  const next = mulberry32(seed);
  const tokens: number[] = [];
  if (model.bosToken !== undefined && count > 0) tokens.push(model.bosToken);
  while (tokens.length < count) tokens.push(Math.floor(next() * model.vocabSize));
  return tokens;
}

/** Random ids without the BOS, to extend a conversation. */
export function moreRandomTokens(model: Pick<BenchModel, 'vocabSize'>, count: number, seed: number): number[] {
  return randomTokens({ vocabSize: model.vocabSize, bosToken: undefined }, count, seed);
}

/** A small, fast, seeded generator of uniform numbers in [0, 1) (Mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
