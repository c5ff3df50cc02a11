import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vocabDir } from '../test/models.js';
import { loadModel, type Model } from './index.js';

// llama.cpp ships each tokenizer with test vectors: `.inp` holds texts separated by a marker
// line, `.out` the expected token ids, one line per text (no BOS/EOS, special text not parsed).
const vocabs = readdirSync(vocabDir).filter((f) => f.endsWith('.gguf') && readdirSync(vocabDir).includes(`${f}.out`));

function vectors(vocab: string): { text: string; tokens: number[] }[] {
  const texts = readFileSync(join(vocabDir, `${vocab}.inp`), 'utf8').split('\n__ggml_vocab_test__\n');
  texts[texts.length - 1] = texts[texts.length - 1]!.replace(/\n__ggml_vocab_test__\n?$/, '');
  const outputs = readFileSync(join(vocabDir, `${vocab}.out`), 'utf8').split('\n');
  return texts.map((text, i) => ({ text, tokens: outputs[i]!.trim().split(/\s+/).filter(Boolean).map(Number) }));
}

/** Tokenizers that normalise their input, so the exact text cannot round-trip. */
const normalising = new Set(['ggml-vocab-bert-bge.gguf']);

describe('tokenizer parity with llama.cpp test vectors', () => {
  const models: Model[] = [];
  afterAll(() => Promise.all(models.map((m) => m.dispose())));

  it('covers every vocab that ships vectors', () => {
    expect(vocabs.length).toBeGreaterThanOrEqual(15);
  });

  it.each(vocabs)('%s', async (vocab) => {
    const model = await loadModel(join(vocabDir, vocab), { vocabOnly: true });
    models.push(model);
    const cases = vectors(vocab);
    expect(cases.length).toBeGreaterThan(10);
    for (const { text, tokens } of cases) {
      expect(model.tokenize(text), `tokenize ${JSON.stringify(text)}`).toEqual(tokens);
      const decoded = model.detokenize(tokens);
      if (normalising.has(vocab)) {
        // WordPiece lowercases, strips accents and maps unknown characters to [UNK]: the text
        // cannot come back, but the tokens of what comes back must be the same (less [UNK]s).
        const known = tokens.filter((t) => model.detokenize([t]) !== '');
        expect(model.tokenize(decoded), `round trip ${JSON.stringify(text)}`).toEqual(known);
      } else {
        expect(decoded, `round trip ${JSON.stringify(text)}`).toBe(text);
      }
    }
  });
});
