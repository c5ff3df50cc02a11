import { describe, expect, it } from 'vitest';
import { concurrentDecodeRate } from './decode-window.js';

/** A stream whose pieces arrive every `stepMs` from `firstMs` on. */
const steady = (firstMs: number, pieces: number, stepMs: number, tokens = pieces) => ({ arrivals: Array.from({ length: pieces }, (_, i) => firstMs + i * stepMs), tokens });

describe('concurrentDecodeRate', () => {
  it('is S_TG for streams that decode in lockstep: streams × tokens per step over the step time', () => {
    // 4 streams, one token each per 100 ms step: 40 tokens/s, as llama-batched-bench would say.
    expect(concurrentDecodeRate([0, 1, 2, 3].map(() => steady(1000, 50, 100)))).toBeCloseTo(40, 6);
  });

  it('counts only the span in which every stream decodes', () => {
    // A stream that started early ran faster while alone; inside the common span all go at 10 tokens/s.
    const early = { arrivals: [...Array.from({ length: 10 }, (_, i) => i * 20), ...Array.from({ length: 40 }, (_, i) => 300 + i * 100)], tokens: 50 };
    const late = steady(300, 40, 100);
    expect(concurrentDecodeRate([early, late])).toBeCloseTo(20, 6);
  });

  it('scales by tokens per piece where some tokens sent no piece of their own', () => {
    expect(concurrentDecodeRate([steady(0, 50, 100, 100), steady(0, 50, 100)])).toBeCloseTo(30, 6);
  });

  it('is NaN when the streams never overlap', () => {
    expect(concurrentDecodeRate([steady(0, 5, 10), steady(1000, 5, 10)])).toBeNaN();
  });
});
