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

/** Options of {@link spellText}. */
export interface SpellOptions {
  /**
   * Use every token at most once, so that a scripted model (which picks the next token from the
   * last one alone) can say text that repeats itself, such as JSON: the spelling is searched for
   * among the vocabulary's overlapping tokens (`"`, `":`, ` "`, `",` ...). Ordinary tokens only.
   */
  distinct?: boolean;
  /**
   * Text the spelled text follows (a rendered prompt): no token whose text ends it is used, so
   * that the prompt's last token is never mistaken for one of the script's. Implies `distinct`.
   */
  notAfter?: string;
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
export function spellText(vocab: Vocabulary, text: string, options: SpellOptions = {}): number[] {
  if (text === '') throw new RangeError('cannot spell an empty text');
  const tokens = vocabularyTokens(vocab);
  const spelling = spellingOf(tokens);
  const spell = (t: string) => (spelling === 'sentencepiece' ? t.replaceAll(' ', '\u2581') : Array.from(encoder.encode(t), (b) => BYTE_CHARS[b]!).join(''));
  const spelled = spell(text);
  if (options.distinct || options.notAfter !== undefined) return spellDistinct(vocab, tokens, spelled, options.notAfter === undefined ? '' : spell(options.notAfter));
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

/**
 * A spelling with distinct ordinary tokens, none of which could end `before` (see
 * {@link SpellOptions}): a depth-first search, longest tokens first, that remembers dead ends by
 * position and by which of the tokens still usable from there are already taken.
 */
function spellDistinct(vocab: Vocabulary, tokens: VocabularyTokens, spelled: string, before: string): number[] {
  const used = new Set<number>();
  tokens.texts.forEach((text, id) => {
    if (tokens.types[id] === TokenType.NORMAL && text !== '' && before.endsWith(text)) used.add(id);
  });
  // The tokens matching at each position (longest first), and those matching at or after it.
  const matches: { id: number; length: number }[][] = [];
  for (let at = 0; at < spelled.length; at++) {
    matches.push([]);
    for (let len = Math.min(tokens.longestNormal, spelled.length - at); len > 0; len--) {
      const id = tokens.find(spelled.slice(at, at + len), TokenType.NORMAL);
      if (id !== undefined) matches[at]!.push({ id, length: len });
    }
  }
  const later: Set<number>[] = Array.from({ length: spelled.length + 1 }, () => new Set<number>());
  for (let at = spelled.length - 1; at >= 0; at--) {
    later[at] = new Set([...later[at + 1]!, ...matches[at]!.map((m) => m.id)]);
  }
  const deadEnds = new Set<string>();
  const ids: number[] = [];
  const search = (at: number): boolean => {
    if (at === spelled.length) return true;
    const key = `${at}:${[...used].filter((id) => later[at]!.has(id)).sort((a, b) => a - b).join(',')}`;
    if (deadEnds.has(key)) return false;
    for (const { id, length } of matches[at]!) {
      if (used.has(id)) continue;
      used.add(id);
      ids.push(id);
      if (search(at + length)) return true;
      used.delete(id);
      ids.pop();
    }
    deadEnds.add(key);
    return false;
  };
  if (!search(0)) throw new RangeError(`${vocab.name} cannot spell ${JSON.stringify(spelled)} with distinct tokens`);
  return ids;
}
