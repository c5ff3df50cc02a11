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
