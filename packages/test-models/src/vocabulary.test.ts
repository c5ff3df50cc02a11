import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGgufHeader } from './gguf-reader.js';
import { encodeGguf } from './gguf-writer.js';
import { llamaCppDir } from './vendor-paths.js';
import { listVendoredVocabularies, loadVocabulary } from './vocabulary.js';

const vendored = existsSync(llamaCppDir());

describe.skipIf(!vendored)('vendored vocabularies', () => {
  const names = vendored ? listVendoredVocabularies() : [];

  it('are all found', () => {
    expect(names).toContain('llama-spm');
    expect(names).toContain('bert-bge');
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  it.each(names)('%s parses and re-encodes byte for byte', (name) => {
    const vocab = loadVocabulary(name);
    expect(vocab.nVocab).toBeGreaterThan(1000);
    expect(vocab.tokenizerKv.some((e) => e.key === 'tokenizer.ggml.model')).toBe(true);
    const bytes = new Uint8Array(readFileSync(vocab.path));
    const h = parseGgufHeader(bytes);
    expect(h.tensors).toEqual([]);
    if (h.version === 3) {
      // Vocab files have no tensors, so the KV section is the whole file.
      // (Buffer.compare: deep equality on multi-megabyte arrays is slow and memory hungry.)
      expect(Buffer.compare(encodeGguf(h.kv, []), bytes.subarray(0, h.tensorInfoEnd))).toBe(0);
    }
  });

  it('knows BERT token types', () => {
    expect(loadVocabulary('bert-bge').nTokenTypes).toBe(2);
    expect(loadVocabulary('llama-spm').nTokenTypes).toBe(0);
  });
});
