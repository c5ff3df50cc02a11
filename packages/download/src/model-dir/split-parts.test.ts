import { describe, expect, it } from 'vitest';
import { splitParts } from './split-parts.js';

describe('splitParts', () => {
  it('names every part of a split model from any one of them, keeping the folder', () => {
    const names = ['dir/M-Q4_K_M-00001-of-00003.gguf', 'dir/M-Q4_K_M-00002-of-00003.gguf', 'dir/M-Q4_K_M-00003-of-00003.gguf'];
    expect(splitParts('dir/M-Q4_K_M-00002-of-00003.gguf')).toEqual({ index: 2, count: 3, names });
  });

  it('is undefined for single files and impossible part numbers', () => {
    expect(splitParts('M-Q4_K_M.gguf')).toBeUndefined();
    expect(splitParts('M-00000-of-00002.gguf')).toBeUndefined();
    expect(splitParts('M-00003-of-00002.gguf')).toBeUndefined();
    expect(splitParts('M-00001-of-00002.gguf.part')).toBeUndefined();
  });
});
