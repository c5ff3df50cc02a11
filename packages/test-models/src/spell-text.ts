import type { Vocabulary } from './vocabulary.js';
import { TokenType, vocabularyTokens, type VocabularyTokens } from './vocabulary-tokens.js';

// GPT-2's byte-level alphabet (bytes_to_unicode in its encoder.py): printable bytes stand for
// themselves, the others for the code points from 256 up, in byte order.
const BYTE_CHARS: readonly string[] = (() => {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
})();

const encoder = new TextEncoder();

/** How a vocabulary stores text in its token strings. */
type Spelling = 'sentencepiece' | 'byte-level';

function spellingOf(tokens: VocabularyTokens): Spelling {
  // SentencePiece-style vocabularies write a space as ▁ and fall back to <0xNN> byte tokens;
  // byte-level BPE maps every byte to a printable character.
  if (tokens.model === 'llama' || tokens.model === 'gemma4') return 'sentencepiece';
  if (tokens.model === 'gpt2') return 'byte-level';
  throw new RangeError(`cannot spell text with a '${tokens.model}' tokenizer; give token ids instead`);
}

/**
 * Token ids whose decoded pieces concatenate to exactly `text`, using only the vocabulary's
 * ordinary (`NORMAL`) tokens and, for SentencePiece vocabularies, its byte tokens. Matching is
 * greedy longest-first, so the ids need not be what the model's real tokenizer would produce
 * (BPE merges are not applied), but they decode to the same text: what a scripted model needs.
 * Control-token text (`<|im_start|>`) is spelled as ordinary characters, never as the control token.
 *
 * @throws {RangeError} for an empty text, a tokenizer other than SentencePiece (`llama`,
 *   `gemma4`) or byte-level BPE (`gpt2`), or a character the vocabulary cannot spell.
 */
export function spellText(vocab: Vocabulary, text: string): number[] {
  if (text === '') throw new RangeError('cannot spell an empty text');
  const tokens = vocabularyTokens(vocab);
  const spelling = spellingOf(tokens);
  const spelled =
    spelling === 'sentencepiece'
      ? text.replaceAll(' ', '\u2581')
      : Array.from(encoder.encode(text), (b) => BYTE_CHARS[b]!).join('');
  const ids: number[] = [];
  let i = 0;
  while (i < spelled.length) {
    let matched = 0;
    for (let len = Math.min(tokens.longestNormal, spelled.length - i); len > 0; len--) {
      const id = tokens.find(spelled.slice(i, i + len), TokenType.NORMAL);
      if (id !== undefined) {
        ids.push(id);
        matched = len;
        break;
      }
    }
    if (matched > 0) {
      i += matched;
      continue;
    }
    const char = String.fromCodePoint(spelled.codePointAt(i)!);
    if (spelling === 'byte-level') throw new RangeError(`${vocab.name} has no token for ${JSON.stringify(char)}`);
    for (const byte of encoder.encode(char === '\u2581' ? ' ' : char)) {
      const id = tokens.find(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.BYTE);
      if (id === undefined) throw new RangeError(`${vocab.name} cannot spell ${JSON.stringify(char)}: no byte tokens`);
      ids.push(id);
    }
    i += char.length;
  }
  return ids;
}
