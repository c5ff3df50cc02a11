import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spellText } from './spell-text.js';
import { llamaCppDir } from './vendor-paths.js';
import { loadVocabulary } from './vocabulary.js';
import { TokenType, vocabularyTokens } from './vocabulary-tokens.js';

const vendored = existsSync(llamaCppDir());

// Whether the ids decode back to the text is checked against llama.cpp itself, for every vendored
// vocabulary, in @gpt4all/core (src/scripted-model.test.ts). These tests pin down the spelling.
describe.skipIf(!vendored)('spellText', () => {
  it('writes spaces as ▁ in a SentencePiece vocabulary and falls back to byte tokens', () => {
    const vocab = loadVocabulary('llama-spm');
    const { texts, types } = vocabularyTokens(vocab);
    const words = spellText(vocab, 'Sure thing, friend');
    expect(words.map((id) => texts[id]).join('')).toBe('Sure▁thing,▁friend');
    expect(words.every((id) => types[id] === TokenType.NORMAL)).toBe(true);
    // Greedy longest match: ' thing' is one token, not ' ' + 'thing'.
    expect(words.map((id) => texts[id])).toContain('▁thing');

    // The llama has no token in this vocabulary: its four UTF-8 bytes are spelled as byte tokens.
    const llama = spellText(vocab, '🦙');
    expect(llama.map((id) => texts[id])).toEqual(['<0xF0>', '<0x9F>', '<0xA6>', '<0x99>']);
    expect(llama.every((id) => types[id] === TokenType.BYTE)).toBe(true);
  });

  it('writes bytes in the GPT-2 alphabet in a byte-level BPE vocabulary', () => {
    const vocab = loadVocabulary('qwen2');
    const { texts } = vocabularyTokens(vocab);
    // Space is Ġ, newline Ċ, and é (0xC3 0xA9) is Ã©.
    expect(spellText(vocab, 'Hi there\nCafé').map((id) => texts[id]).join('')).toBe('HiĠthereĊCafÃ©');
  });

  it('spells control-token text with ordinary tokens, never as the control token', () => {
    const vocab = loadVocabulary('qwen2');
    const { texts, types, find } = vocabularyTokens(vocab);
    const control = find('<|im_start|>', TokenType.CONTROL);
    expect(control).toBeDefined();
    const ids = spellText(vocab, '<|im_start|>');
    expect(ids).not.toContain(control);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids.every((id) => types[id] === TokenType.NORMAL)).toBe(true);
    expect(ids.map((id) => texts[id]).join('')).toBe('<|im_start|>');
  });

  it('rejects what it cannot spell', () => {
    expect(() => spellText(loadVocabulary('qwen2'), '')).toThrow(RangeError);
    expect(() => spellText(loadVocabulary('bert-bge'), 'hello')).toThrow(/'bert' tokenizer/);
  });
});
