import { spellText } from './spell-text.js';
import type { Vocabulary } from './vocabulary.js';
import { TokenType, vocabularyTokens } from './vocabulary-tokens.js';

/**
 * What a scripted model emits under greedy decoding (see `script` in `TestModelOptions`).
 *
 * Each entry of `emit` is a token id, or a text piece: a piece that is exactly the text of a
 * control or user-defined token (`'<|im_start|>'`, `'<|eot_id|>'`) is that token; any other
 * piece is spelled with the vocabulary's ordinary tokens (see {@link spellText}), so
 * `['Sure thing', '<|im_start|>', 'user']` is the text `Sure thing`, the control token, then `user`.
 */
export interface ModelScript {
  emit: readonly (number | string)[];
  /**
   * The token that follows the last one: an id or a piece of exactly one token. Default: the
   * vocabulary's EOS token, so generation ends there. A token of the script makes it a loop.
   */
  then?: number | string;
}

/** A script as token ids. */
export interface ResolvedScript {
  tokens: number[];
  then: number;
}

/**
 * Which token follows which: the model a script asks for. Each distinct scripted token gets a
 * slot (a direction of the embedding); every token without one is followed by `first`.
 */
export interface ScriptSuccession {
  first: number;
  /** Slot of each distinct scripted token, in order of first appearance (0, 1, ...). */
  slots: Map<number, number>;
  /** The token that follows each scripted token. */
  next: Map<number, number>;
}

function checkId(id: number, nVocab: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id >= nVocab) {
    throw new RangeError(`${what}: token id ${id} is not in the vocabulary (0..${nVocab - 1})`);
  }
  return id;
}

function pieceTokens(vocab: Vocabulary, piece: number | string, what: string): number[] {
  if (typeof piece === 'number') return [checkId(piece, vocab.nVocab, what)];
  const tokens = vocabularyTokens(vocab);
  const special = tokens.find(piece, TokenType.CONTROL) ?? tokens.find(piece, TokenType.USER_DEFINED);
  return special !== undefined ? [special] : spellText(vocab, piece);
}

/**
 * Turns a script's pieces into token ids with the model's vocabulary.
 * @throws {RangeError} for an empty script, an id outside the vocabulary, a piece that cannot be
 *   spelled, a `then` piece that is not one token, or no `then` and no EOS token in the vocabulary.
 */
export function resolveModelScript(vocab: Vocabulary, script: ModelScript): ResolvedScript {
  if (script.emit.length === 0) throw new RangeError('a script must emit at least one token');
  const tokens = script.emit.flatMap((piece, i) => pieceTokens(vocab, piece, `script.emit[${i}]`));
  let then: number;
  if (script.then === undefined) {
    const eos = vocabularyTokens(vocab).eosId;
    if (eos === undefined) throw new RangeError(`${vocab.name} has no EOS token: give the script a \`then\` token`);
    then = eos;
  } else {
    const ids = pieceTokens(vocab, script.then, 'script.then');
    if (ids.length !== 1) throw new RangeError(`script.then must be one token, ${JSON.stringify(script.then)} is ${ids.length}`);
    then = ids[0]!;
  }
  return { tokens, then };
}

/**
 * The succession a script needs: each token's successor, which must be the same wherever the
 * token appears, because the model sees only the last token. `tokenTexts` (the vocabulary's
 * token strings) only make error messages readable.
 * @throws {RangeError} when a token is followed by two different tokens (for example `a b a c`,
 *   or a script whose last token also appears earlier with another successor).
 */
export function scriptSuccession(script: ResolvedScript, tokenTexts?: readonly string[]): ScriptSuccession {
  const name = (id: number) => (tokenTexts?.[id] === undefined ? `${id}` : `${id} ${JSON.stringify(tokenTexts[id])}`);
  const next = new Map<number, number>();
  const slots = new Map<number, number>();
  const sequence = [...script.tokens, script.then];
  for (let i = 0; i + 1 < sequence.length; i++) {
    const token = sequence[i]!;
    const follower = sequence[i + 1]!;
    const known = next.get(token);
    if (known !== undefined && known !== follower) {
      throw new RangeError(
        `token ${name(token)} is followed by ${name(known)} and later by ${name(follower)} (position ${i}): a scripted model ` +
          'decides the next token from the last one alone, so a repeated token must have the same successor',
      );
    }
    next.set(token, follower);
    if (!slots.has(token)) slots.set(token, slots.size);
  }
  return { first: script.tokens[0]!, slots, next };
}
