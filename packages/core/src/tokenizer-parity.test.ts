import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vocabDir } from '../test/models.js';
import { loadModel, type ControlToken, type Model } from './index.js';

// llama.cpp ships each tokenizer with test vectors: `.inp` holds texts separated by a marker
// line, `.out` the expected token ids, one line per text (no BOS/EOS, special text not parsed).
const vocabs = readdirSync(vocabDir).filter((f) => f.endsWith('.gguf') && readdirSync(vocabDir).includes(`${f}.out`));
const allVocabs = readdirSync(vocabDir).filter((f) => f.startsWith('ggml-vocab-') && f.endsWith('.gguf'));

function vectors(vocab: string): { text: string; tokens: number[] }[] {
  const texts = readFileSync(join(vocabDir, `${vocab}.inp`), 'utf8').split('\n__ggml_vocab_test__\n');
  texts[texts.length - 1] = texts[texts.length - 1]!.replace(/\n__ggml_vocab_test__\n?$/, '');
  const outputs = readFileSync(join(vocabDir, `${vocab}.out`), 'utf8').split('\n');
  return texts.map((text, i) => ({ text, tokens: outputs[i]!.trim().split(/\s+/).filter(Boolean).map(Number) }));
}

/**
 * Tokenizers that normalise their input, so the exact text cannot round-trip: WordPiece (BGE)
 * lowercases and strips accents; XLM-R's Unigram (Nomic's MoE BERT) trims and merges whitespace.
 */
const normalising = new Set(['ggml-vocab-bert-bge.gguf', 'ggml-vocab-nomic-bert-moe.gguf']);

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

// Control tokens anywhere in the text: at the start, between words, at the end, next to each
// other and next to spaces. SentencePiece tokenizers put a space in front of every run of text,
// also after a control token, and detokenize must take exactly that space away again.
describe('round trip with control tokens in every position', () => {
  const models: Model[] = [];
  afterAll(() => Promise.all(models.map((m) => m.dispose())));

  type Part = string | ControlToken;
  function shapes(a: ControlToken, b: ControlToken): Part[][] {
    return [
      [a, 'text'],
      ['hello', a, 'world'],
      ['hello ', a, ' world'],
      ['text', a],
      [a, b, ' mid ', a],
      [a, '\n', b, '\nline'],
      [' lead', a, ' trail '],
      [a, b],
    ];
  }

  /**
   * The text a lossless round trip gives back. Tokens marked LSTRIP/RSTRIP in the vocabulary eat
   * the whitespace beside them when text is tokenized (as Hugging Face's tokenizers do), so that
   * whitespace cannot come back; every other character must.
   */
  function expected(parts: Part[], strips: (token: ControlToken) => { left: boolean; right: boolean }): string {
    return parts
      .map((part, i) => {
        if (typeof part !== 'string') return part.text;
        let text = part;
        const before = parts[i - 1];
        const after = parts[i + 1];
        if (before !== undefined && typeof before !== 'string' && strips(before).right) text = text.trimStart();
        if (after !== undefined && typeof after !== 'string' && strips(after).left) text = text.trimEnd();
        return text;
      })
      .join('');
  }

  it.each(allVocabs)('%s', async (vocab) => {
    const model = await loadModel(join(vocabDir, vocab), { vocabOnly: true });
    models.push(model);
    const controls = model.controlTokens();
    expect(controls.length, 'every vocabulary has control tokens').toBeGreaterThan(0);
    const ids = (text: string) => model.tokenize(text, { special: true });
    const same = (x: number[], y: number[]) => x.length === y.length && x.every((t, i) => t === y[i]);
    // Whether the tokenizer itself drops the whitespace on each side of a token.
    const strips = (c: ControlToken) => ({
      left: same(ids(`x ${c.text}`), ids(`x${c.text}`)),
      right: same(ids(`${c.text} x`), ids(`${c.text}x`)),
    });
    // The first, a middle and the last control tokens, so BOS/EOS-like and chat markers both occur.
    const picked = [...new Set([0, controls.length >> 1, controls.length - 1])].map((i) => controls[i]!);
    let checked = 0;
    for (const a of picked) {
      for (const b of picked) {
        for (const parts of shapes(a, b)) {
          const text = parts.map((p) => (typeof p === 'string' ? p : p.text)).join('');
          const tokens = ids(text);
          expect(tokens, `${JSON.stringify(text)} holds the control token`).toContain(a.id);
          const decoded = model.detokenize(tokens, { special: true });
          if (normalising.has(vocab)) {
            // The text changes once, by normalisation; after that the tokens are stable.
            expect(ids(decoded), `token round trip ${JSON.stringify(text)}`).toEqual(tokens);
          } else {
            expect(decoded, `round trip ${JSON.stringify(text)}`).toBe(expected(parts, strips));
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(picked.length * picked.length * 8);
  });
});

describe('tokenize and detokenize options', () => {
  it('read control-token text as text unless `special`, and add BOS only with `addSpecial`', async () => {
    await using model = await loadModel(join(vocabDir, 'ggml-vocab-llama-spm.gguf'), { vocabOnly: true });
    const control = model.tokenize('<s>', { special: true });
    expect(control).toHaveLength(1);
    const asText = model.tokenize('<s>');
    expect(asText).not.toContain(control[0]);
    expect(model.detokenize(asText)).toBe('<s>');
    expect(model.tokenize('hi', { addSpecial: true })).toEqual([...control, ...model.tokenize('hi')]);
    expect(model.detokenize(control)).toBe('');
    expect(model.detokenize(control, { special: true })).toBe('<s>');
  });
});
