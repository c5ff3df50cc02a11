import { scanTemplateTags } from './template-tags.js';

// Escapes the engine's lexer understands itself (\x and \u are validated by it).
const ENGINE_ESCAPES = new Set(['n', 't', 'r', 'b', 'f', 'v', "'", '"', '\\', 'x', 'u']);

const unitEscape = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;

function codePointEscape(codePoint: number): string {
  if (codePoint <= 0xffff) return unitEscape(codePoint);
  const offset = codePoint - 0x10000;
  return unitEscape(0xd800 + (offset >> 10)) + unitEscape(0xdc00 + (offset & 0x3ff));
}

/**
 * Rewrites one escape sequence (starting after the backslash) into a form the
 * engine accepts with Python's meaning; returns the replacement and how many
 * characters after the backslash it consumed.
 */
function rewriteEscape(text: string, index: number): [string, number] {
  const next = text[index] ?? '';
  if (ENGINE_ESCAPES.has(next)) return [`\\${next}`, 1];
  if (next === 'a') return ['\\x07', 1];
  if (next === '\n') return ['', 1];
  const octal = /^[0-7]{1,3}/.exec(text.slice(index));
  if (octal) return [unitEscape(parseInt(octal[0], 8)), octal[0].length];
  const wide = /^U([0-9a-fA-F]{8})/.exec(text.slice(index));
  if (wide && parseInt(wide[1]!, 16) <= 0x10ffff) return [codePointEscape(parseInt(wide[1]!, 16)), 9];
  // Python keeps an unknown escape as written: the backslash stays.
  return [`\\\\${next}`, next === '' ? 0 : 1];
}

function rewriteTag(tag: string): string {
  let result = '';
  let quote: string | undefined;
  for (let index = 0; index < tag.length; index++) {
    const character = tag[index]!;
    if (quote === undefined) {
      if (character === '"' || character === "'") quote = character;
      result += character;
    } else if (character === '\\') {
      const [replacement, consumed] = rewriteEscape(tag, index + 1);
      result += replacement;
      index += consumed;
    } else {
      if (character === quote) quote = undefined;
      result += character;
    }
  }
  return result;
}

/**
 * Gives string literals Python's escape rules before the engine lexes them:
 * jinja2 decodes literals with Python's `unicode-escape`, which keeps unknown
 * escapes such as `'\d'` and knows `\a`, octal and `\U` escapes, while the
 * engine's lexer rejects all of these.
 */
export function normalizeStringEscapes(source: string): string {
  if (!source.includes('\\')) return source;
  let result = '';
  let offset = 0;
  for (const tag of scanTemplateTags(source)) {
    if (tag.kind === 'comment') continue;
    result += source.slice(offset, tag.start) + rewriteTag(source.slice(tag.start, tag.end));
    offset = tag.end;
  }
  return result + source.slice(offset);
}
