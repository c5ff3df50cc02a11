import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from './catalog-entry.js';
import { findCatalogEntry } from './find-catalog-entry.js';
import { parseCatalog } from './parse-catalog.js';

const entries: CatalogEntry[] = [
  { name: 'Llama 3 8B Instruct', filename: 'Meta-Llama-3-8B-Instruct.Q4_0.gguf' },
  { name: 'Mini', filename: 'mini.gguf' },
];

describe('findCatalogEntry', () => {
  it.each([
    ['Meta-Llama-3-8B-Instruct.Q4_0.gguf', 'Meta-Llama-3-8B-Instruct.Q4_0.gguf'],
    ['meta-llama-3-8b-instruct.q4_0.gguf', 'Meta-Llama-3-8B-Instruct.Q4_0.gguf'],
    ['Meta-Llama-3-8B-Instruct.Q4_0', 'Meta-Llama-3-8B-Instruct.Q4_0.gguf'],
    ['Llama 3 8B Instruct', 'Meta-Llama-3-8B-Instruct.Q4_0.gguf'],
    ['llama 3 8b instruct', 'Meta-Llama-3-8B-Instruct.Q4_0.gguf'],
    ['mini', 'mini.gguf'],
  ])('resolves %j', (query, filename) => {
    expect(findCatalogEntry(entries, query)?.filename).toBe(filename);
    expect(findCatalogEntry(parseCatalog(entries), query)?.filename).toBe(filename);
  });

  it('returns undefined for unknown models', () => {
    expect(findCatalogEntry(entries, 'nope')).toBeUndefined();
  });
});
