import { describe, expect, it } from 'vitest';
import { Xoshiro128, deriveSeed } from './prng.js';

const draw = (seed: number, n: number) => {
  const r = new Xoshiro128(seed);
  return Array.from({ length: n }, () => r.nextU32());
};

describe('Xoshiro128', () => {
  it('is deterministic and seed-sensitive', () => {
    expect(draw(42, 8)).toEqual(draw(42, 8));
    expect(draw(42, 8)).not.toEqual(draw(43, 8));
    expect(draw(0, 8).every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('produces a flat distribution', () => {
    const r = new Xoshiro128(7);
    const buckets = new Array<number>(16).fill(0);
    const n = 160_000;
    for (let i = 0; i < n; i++) buckets[Math.floor(r.nextFloat() * 16)]!++;
    for (const b of buckets) expect(Math.abs(b - n / 16)).toBeLessThan(n / 16 / 10);
  });
});

describe('deriveSeed', () => {
  it('separates names and seeds', () => {
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1 + 2 ** 32, 'a'));
  });
});
