import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveModelScript, scriptSuccession } from './model-script.js';
import { spellText } from './spell-text.js';
import { llamaCppDir } from './vendor-paths.js';
import { loadVocabulary } from './vocabulary.js';
import { TokenType, vocabularyTokens } from './vocabulary-tokens.js';

const vendored = existsSync(llamaCppDir());

describe.skipIf(!vendored)('resolveModelScript', () => {
  const qwen = vendored ? loadVocabulary('qwen2') : undefined!;
  const qwenTokens = vendored ? vocabularyTokens(qwen) : undefined!;

  it('takes ids as they are, control-token text as the control token, and spells other text', () => {
    const imStart = qwenTokens.find('<|im_start|>', TokenType.CONTROL)!;
    const script = resolveModelScript(qwen, { emit: ['Sure thing', '<|im_start|>', 'user', 42] });
    expect(script.tokens).toEqual([...spellText(qwen, 'Sure thing'), imStart, ...spellText(qwen, 'user'), 42]);
  });

  it("ends with the vocabulary's EOS token unless told otherwise", () => {
    expect(resolveModelScript(qwen, { emit: ['Hi'] }).then).toBe(qwenTokens.eosId);
    const imEnd = qwenTokens.find('<|im_end|>', TokenType.CONTROL);
    expect(resolveModelScript(qwen, { emit: ['Hi'], then: '<|im_end|>' }).then).toBe(imEnd);
    expect(resolveModelScript(qwen, { emit: ['Hi'], then: 7 }).then).toBe(7);
  });

  it('rejects scripts it cannot express as tokens', () => {
    expect(() => resolveModelScript(qwen, { emit: [] })).toThrow(/at least one token/);
    expect(() => resolveModelScript(qwen, { emit: [qwen.nVocab] })).toThrow(/not in the vocabulary/);
    expect(() => resolveModelScript(qwen, { emit: [-1] })).toThrow(RangeError);
    expect(() => resolveModelScript(qwen, { emit: ['Hi'], then: 'Sure thing' })).toThrow(/one token/);
    // bert-bge has no EOS token to end on.
    expect(() => resolveModelScript(loadVocabulary('bert-bge'), { emit: [100] })).toThrow(/no EOS token/);
  });
});

describe('scriptSuccession', () => {
  it('maps each token to the one after it, the last one to `then`', () => {
    const s = scriptSuccession({ tokens: [5, 6, 7], then: 2 });
    expect(s.first).toBe(5);
    expect([...s.next]).toEqual([
      [5, 6],
      [6, 7],
      [7, 2],
    ]);
    // `then` is not scripted: only what it follows matters, it needs no slot of its own.
    expect([...s.slots]).toEqual([
      [5, 0],
      [6, 1],
      [7, 2],
    ]);
  });

  it('allows repeats with one successor, and loops through `then`', () => {
    const loop = scriptSuccession({ tokens: [5, 6, 5, 6], then: 5 });
    expect([...loop.next]).toEqual([
      [5, 6],
      [6, 5],
    ]);
    expect(loop.slots.size).toBe(2);
  });

  it('rejects a token followed by two different tokens, naming them', () => {
    expect(() => scriptSuccession({ tokens: [5, 6, 5, 7], then: 2 })).toThrow(/token 5 is followed by 6 and later by 7/);
    // The last token also appears earlier, followed by something other than `then`.
    expect(() => scriptSuccession({ tokens: [5, 6, 5], then: 2 })).toThrow(RangeError);
    expect(() => scriptSuccession({ tokens: [5, 6, 5, 7], then: 2 }, ['a', 'b', 'c', 'd', 'e', 'five', 'six', 'seven'])).toThrow(
      'token 5 "five" is followed by 6 "six" and later by 7 "seven"',
    );
  });
});
