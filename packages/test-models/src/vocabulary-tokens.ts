import type { GgufKv } from './gguf-types.js';
import type { Vocabulary } from './vocabulary.js';

/** `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`). */
export const TokenType = {
  UNDEFINED: 0,
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const;

/** The token list of a vocabulary, indexed for looking tokens up by text. */
export interface VocabularyTokens {
  /** `tokenizer.ggml.model`: `llama` (SentencePiece), `gpt2` (byte-level BPE), `gemma4`, ... */
  model: string;
  /** Token strings as stored (`▁the`, `Ġthe`, `<|im_start|>`), by id. */
  texts: readonly string[];
  /** Token types by id (all `NORMAL` when the vocabulary has no type list). */
  types: readonly number[];
  /** `tokenizer.ggml.eos_token_id`, if set. */
  eosId: number | undefined;
  /** Id of the first token with this exact stored string and type, if any. */
  find(text: string, type: number): number | undefined;
  /** Length in UTF-16 units of the longest `NORMAL` token string. */
  longestNormal: number;
}

const cache = new WeakMap<Vocabulary, VocabularyTokens>();

function kvValue(kv: readonly GgufKv[], key: string): unknown {
  return kv.find((e) => e.key === key)?.value.value;
}

/**
 * The vocabulary's tokens, read from its `tokenizer.*` keys (once per {@link Vocabulary} object).
 * @throws {Error} when the token list is missing.
 */
export function vocabularyTokens(vocab: Vocabulary): VocabularyTokens {
  const known = cache.get(vocab);
  if (known) return known;
  const texts = kvValue(vocab.tokenizerKv, 'tokenizer.ggml.tokens');
  if (!Array.isArray(texts)) throw new Error(`${vocab.path} has no tokenizer.ggml.tokens array`);
  const rawTypes = kvValue(vocab.tokenizerKv, 'tokenizer.ggml.token_type');
  const types = Array.isArray(rawTypes) ? rawTypes.map(Number) : texts.map(() => TokenType.NORMAL);
  const byText = new Map<string, number>();
  let longestNormal = 0;
  texts.forEach((text: string, id) => {
    const key = `${types[id]}\u0000${text}`;
    if (!byText.has(key)) byText.set(key, id);
    if (types[id] === TokenType.NORMAL) longestNormal = Math.max(longestNormal, text.length);
  });
  const eos = kvValue(vocab.tokenizerKv, 'tokenizer.ggml.eos_token_id');
  const tokens: VocabularyTokens = {
    model: String(kvValue(vocab.tokenizerKv, 'tokenizer.ggml.model') ?? ''),
    texts: texts as string[],
    types,
    eosId: typeof eos === 'number' ? eos : undefined,
    find: (text, type) => byText.get(`${type}\u0000${text}`),
    longestNormal,
  };
  cache.set(vocab, tokens);
  return tokens;
}
