import { describe, expect, it } from 'vitest';
import { selectQuantFile } from './select-quant-file.js';

const listing = [
  'README.md',
  'config.json',
  'Model-7B-Q4_K.gguf',
  'Model-7B-Q4_K_M.gguf',
  'Model-7B.Q4_K_S.gguf',
  'Model-7B-Q8_0.gguf',
  'mmproj-Model-7B-F16.gguf',
  'Q6_K/Model-7B-Q6_K-00001-of-00002.gguf',
  'Q6_K/Model-7B-Q6_K-00002-of-00002.gguf',
];

describe('selectQuantFile', () => {
  it('matches the quantisation as a whole token, ignoring case', () => {
    expect(selectQuantFile(listing, 'q4_k_m')).toEqual({ found: true, path: 'Model-7B-Q4_K_M.gguf' });
    // Q4_K is a prefix of Q4_K_M and Q4_K_S: only the exact token matches.
    expect(selectQuantFile(listing, 'Q4_K')).toEqual({ found: true, path: 'Model-7B-Q4_K.gguf' });
    expect(selectQuantFile(listing, 'Q4_K_S')).toEqual({ found: true, path: 'Model-7B.Q4_K_S.gguf' });
  });

  it('chooses a split model by its first part', () => {
    expect(selectQuantFile(listing, 'Q6_K')).toEqual({ found: true, path: 'Q6_K/Model-7B-Q6_K-00001-of-00002.gguf' });
  });

  it('prefers a single file to a split model of the same quantisation', () => {
    const both = ['a-Q8_0-00001-of-00002.gguf', 'a-Q8_0-00002-of-00002.gguf', 'zzz-longer-name-Q8_0.gguf'];
    expect(selectQuantFile(both, 'Q8_0')).toEqual({ found: true, path: 'zzz-longer-name-Q8_0.gguf' });
  });

  it('breaks ties by the shortest path, then by code-point order, whatever the listing order', () => {
    const tied = ['b-Q5_0.gguf', 'model-imatrix-Q5_0.gguf', 'a-Q5_0.gguf'];
    expect(selectQuantFile(tied, 'Q5_0')).toEqual({ found: true, path: 'a-Q5_0.gguf' });
    expect(selectQuantFile([...tied].reverse(), 'Q5_0')).toEqual({ found: true, path: 'a-Q5_0.gguf' });
  });

  it('never picks a multimodal projector, and lists the quantisations there are when none matches', () => {
    expect(selectQuantFile(listing, 'F16')).toEqual({ found: false, available: ['Q4_K', 'Q4_K_M', 'Q4_K_S', 'Q6_K', 'Q8_0'] });
    expect(selectQuantFile(['README.md'], 'Q4_0')).toEqual({ found: false, available: [] });
  });
});
