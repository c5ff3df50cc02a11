/**
 * Finding where a JSON value ends inside a longer model output.
 *
 * Models write a call's JSON followed by closing tags, more calls or prose, so `JSON.parse` alone
 * cannot say where the value stops. This scanner tracks brace/bracket depth, skipping strings and
 * their escapes; `JSON.parse` then validates the slice.
 */

/** Result of {@link scanJsonValue}. */
export type JsonScan =
  | { ok: true; value: unknown; end: number }
  /** `incomplete`: the text ended inside the value (e.g. cut off by max_tokens); `malformed`: it cannot be JSON. */
  | { ok: false; reason: 'incomplete' | 'malformed'; end: number };

const WS = new Set([' ', '\t', '\n', '\r']);

/** Index of the first non-whitespace character at or after `from`. */
export function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WS.has(text[i]!)) i++;
  return i;
}

/**
 * Scans one JSON value (object, array, string, number, literal) starting at `start` (leading whitespace
 * allowed) and parses it. Never throws.
 */
export function scanJsonValue(text: string, start: number): JsonScan {
  const begin = skipWhitespace(text, start);
  if (begin >= text.length) return { ok: false, reason: 'incomplete', end: text.length };
  const first = text[begin]!;
  let end: number;
  if (first === '{' || first === '[') {
    let depth = 0;
    let inString = false;
    let i = begin;
    end = -1;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          end = i + 1;
          break;
        }
      }
    }
    if (end < 0) return { ok: false, reason: 'incomplete', end: text.length };
  } else if (first === '"') {
    let i = begin + 1;
    end = -1;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') i++;
      else if (c === '"') {
        end = i + 1;
        break;
      }
    }
    if (end < 0) return { ok: false, reason: 'incomplete', end: text.length };
  } else {
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(begin, begin + 64));
    if (!m) return { ok: false, reason: 'malformed', end: begin };
    end = begin + m[0].length;
  }
  try {
    return { ok: true, value: JSON.parse(text.slice(begin, end)), end };
  } catch {
    return { ok: false, reason: 'malformed', end };
  }
}

/** `JSON.parse` that returns `undefined` instead of throwing. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
