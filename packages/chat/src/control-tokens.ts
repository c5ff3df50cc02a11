import type { Model as EngineModel } from '@gpt4all/core';

/**
 * A control token (`<|im_start|>`, `<s>`, `<unk>`, ...): a token that llama.cpp produces from its
 * text only when it parses special text (token attribute CONTROL or UNKNOWN).
 */
export interface ControlToken {
  id: number;
  text: string;
}

/** The model's control tokens (those with a non-empty text). */
export function controlTokens(engine: EngineModel): ControlToken[] {
  const listed = (engine as { controlTokens?: () => ControlToken[] }).controlTokens;
  if (typeof listed === 'function') return listed.call(engine).filter((token) => token.text !== '');
  // Until @gpt4all/core lists them itself: the vocabulary's token types (2 unknown, 3 control).
  const metadata = engine.info.metadata;
  const texts = metadata['tokenizer.ggml.tokens'];
  const types = metadata['tokenizer.ggml.token_type'];
  if (!Array.isArray(texts) || !Array.isArray(types)) return [];
  return texts.flatMap((text, id) => ((types[id] === 2 || types[id] === 3) && typeof text === 'string' && text !== '' ? [{ id, text }] : []));
}

/** Where one control text occurs in a string: `[start, end)`. */
export interface TextMatch {
  start: number;
  end: number;
  text: string;
}

/**
 * Finds control-token texts in strings, leftmost first and, at one position, longest first (as
 * llama.cpp prefers longer special tokens), without overlaps.
 */
export class ControlTextMatcher {
  // Texts by their first UTF-16 unit, longest first: a scan tests only the texts that can start there.
  #byFirstUnit = new Map<number, string[]>();

  constructor(texts: Iterable<string>) {
    for (const text of new Set(texts)) {
      if (text === '') continue;
      const unit = text.charCodeAt(0);
      const list = this.#byFirstUnit.get(unit) ?? [];
      list.push(text);
      this.#byFirstUnit.set(unit, list);
    }
    for (const list of this.#byFirstUnit.values()) list.sort((a, b) => b.length - a.length);
  }

  /** The occurrences lying wholly inside `text[from, to)`. */
  find(text: string, from = 0, to = text.length): TextMatch[] {
    const matches: TextMatch[] = [];
    if (this.#byFirstUnit.size === 0) return matches;
    let at = from;
    while (at < to) {
      const candidates = this.#byFirstUnit.get(text.charCodeAt(at));
      const found = candidates?.find((candidate) => at + candidate.length <= to && text.startsWith(candidate, at));
      if (found === undefined) {
        at++;
        continue;
      }
      matches.push({ start: at, end: at + found.length, text: found });
      at += found.length;
    }
    return matches;
  }
}
