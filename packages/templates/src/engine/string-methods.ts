import {
  createBoolean,
  createInteger,
  createList,
  createString,
  createTuple,
  isList,
  isString,
  itemsOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { CallArguments } from './call-arguments.js';
import { formatBraces } from './brace-format.js';
import { iterate } from './python-iteration.js';
import { TemplateRenderError } from '../template-error.js';
import { pythonTypeName } from './python-operators.js';

/** Characters Python's `str.isspace()` accepts (JavaScript's `trim` differs: it strips U+FEFF, keeps U+001C–U+001F). */
export const PYTHON_WHITESPACE =
  ' \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WHITESPACE_SET = new Set(PYTHON_WHITESPACE);

/** Python's `str.strip(chars)` family; `chars` undefined means whitespace. */
export function pythonStrip(text: string, chars: string | undefined, side: 'both' | 'left' | 'right'): string {
  const set = chars === undefined ? WHITESPACE_SET : new Set(chars);
  const characters = [...text];
  let start = 0;
  let end = characters.length;
  if (side !== 'right') while (start < end && set.has(characters[start]!)) start++;
  if (side !== 'left') while (end > start && set.has(characters[end - 1]!)) end--;
  return characters.slice(start, end).join('');
}

/** Python's `str.split(sep, maxsplit)` (and `rsplit` when `fromRight`). */
export function pythonSplit(
  text: string,
  separator: string | undefined,
  maxSplit: number,
  fromRight = false,
): string[] {
  if (separator === '') throw new TemplateRenderError('empty separator', 'ValueError');
  const limit = maxSplit < 0 ? Infinity : maxSplit;
  if (separator === undefined) {
    const words: string[] = [];
    let rest = fromRight ? pythonStrip(text, undefined, 'right') : pythonStrip(text, undefined, 'left');
    while (rest !== '') {
      if (words.length >= limit) {
        words.push(rest);
        break;
      }
      const characters = [...rest];
      if (fromRight) {
        let index = characters.length;
        while (index > 0 && !WHITESPACE_SET.has(characters[index - 1]!)) index--;
        words.push(characters.slice(index).join(''));
        rest = pythonStrip(characters.slice(0, index).join(''), undefined, 'right');
      } else {
        let index = 0;
        while (index < characters.length && !WHITESPACE_SET.has(characters[index]!)) index++;
        words.push(characters.slice(0, index).join(''));
        rest = pythonStrip(characters.slice(index).join(''), undefined, 'left');
      }
    }
    return fromRight ? words.reverse() : words;
  }
  const parts = text.split(separator);
  if (parts.length - 1 <= limit) return parts;
  if (fromRight) {
    const kept = parts.splice(parts.length - limit);
    return [parts.join(separator), ...kept];
  }
  const head = parts.splice(0, limit);
  return [...head, parts.join(separator)];
}

// Line boundaries of Python's str.splitlines(), captured so they can be kept.
const LINE_BREAK = /(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])/;

/** Python's `str.replace(old, new, count)`; a negative count replaces every occurrence. */
export function pythonReplace(text: string, old: string, replacement: string, count: number): string {
  const limit = count < 0 ? Infinity : count;
  if (old === '') {
    const characters = [...text];
    let result = '';
    for (let index = 0; index <= characters.length; index++) {
      result += (index < limit ? replacement : '') + (characters[index] ?? '');
    }
    return result;
  }
  let result = '';
  let offset = 0;
  for (let done = 0; done < limit; done++) {
    const found = text.indexOf(old, offset);
    if (found < 0) break;
    result += text.slice(offset, found) + replacement;
    offset = found + old.length;
  }
  return result + text.slice(offset);
}

function isCased(character: string): boolean {
  return character.toLowerCase() !== character.toUpperCase();
}

/** Python's `str.title()`: a cased character after an uncased one starts a word. */
export function pythonTitle(text: string): string {
  let previousCased = false;
  let result = '';
  for (const character of text) {
    if (isCased(character)) {
      result += previousCased ? character.toLowerCase() : character.toUpperCase();
      previousCased = true;
    } else {
      result += character;
      previousCased = false;
    }
  }
  return result;
}

/** Python's `str.capitalize()`: first character upper-cased, the rest lower-cased. */
export function pythonCapitalize(text: string): string {
  const [first = '', ...rest] = [...text];
  return first.toUpperCase() + rest.join('').toLowerCase();
}

function affixes(value: RuntimeValue | undefined, method: string): string[] {
  if (value !== undefined && isString(value)) return [stringOf(value)];
  if (value !== undefined && isList(value) && itemsOf(value).every(isString)) return itemsOf(value).map(stringOf);
  throw new TemplateRenderError(
    `${method} first arg must be str or a tuple of str, not ${value === undefined ? 'nothing' : pythonTypeName(value)}`,
    'TypeError',
  );
}

function sliceBounds(text: string, args: CallArguments, startIndex: number): string {
  const length = text.length;
  const normalise = (value: number): number => (value < 0 ? Math.max(0, length + value) : Math.min(value, length));
  const start = normalise(args.number(startIndex, 'start', 0));
  const end = normalise(args.number(startIndex + 1, 'end', length));
  return start <= end ? text.slice(start, end) : '';
}

function countOccurrences(text: string, needle: string): number {
  if (needle === '') return [...text].length + 1;
  return text.split(needle).length - 1;
}

const isAll = (text: string, pattern: RegExp): boolean => text !== '' && [...text].every((c) => pattern.test(c));

type StringMethod = (text: string, args: CallArguments) => RuntimeValue;

const STRING_METHODS: Record<string, StringMethod> = {
  strip: (text, args) => createString(pythonStrip(text, args.string(0, 'chars'), 'both')),
  lstrip: (text, args) => createString(pythonStrip(text, args.string(0, 'chars'), 'left')),
  rstrip: (text, args) => createString(pythonStrip(text, args.string(0, 'chars'), 'right')),
  split: (text, args) =>
    createList(pythonSplit(text, args.string(0, 'sep'), args.number(1, 'maxsplit', -1)).map(createString)),
  rsplit: (text, args) =>
    createList(pythonSplit(text, args.string(0, 'sep'), args.number(1, 'maxsplit', -1), true).map(createString)),
  splitlines: (text, args) => {
    const keepEnds = args.boolean(0, 'keepends', false);
    const parts = text.split(LINE_BREAK);
    const lines: string[] = [];
    for (let index = 0; index < parts.length; index += 2) {
      const line = parts[index]!;
      const lineBreak = parts[index + 1];
      if (lineBreak === undefined) {
        if (line !== '') lines.push(line);
      } else lines.push(keepEnds ? line + lineBreak : line);
    }
    return createList(lines.map(createString));
  },
  startswith: (text, args) =>
    createBoolean(
      affixes(args.get(0, 'prefix'), 'startswith').some((prefix) => sliceBounds(text, args, 1).startsWith(prefix)),
    ),
  endswith: (text, args) =>
    createBoolean(
      affixes(args.get(0, 'suffix'), 'endswith').some((suffix) => sliceBounds(text, args, 1).endsWith(suffix)),
    ),
  replace: (text, args) =>
    createString(
      pythonReplace(text, args.string(0, 'old', ''), args.string(1, 'new', ''), args.number(2, 'count', -1)),
    ),
  upper: (text) => createString(text.toUpperCase()),
  lower: (text) => createString(text.toLowerCase()),
  casefold: (text) => createString(text.toLowerCase()),
  swapcase: (text) =>
    createString([...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  title: (text) => createString(pythonTitle(text)),
  capitalize: (text) => createString(pythonCapitalize(text)),
  find: (text, args) => {
    const start = args.number(1, 'start', 0);
    const index = sliceBounds(text, args, 1).indexOf(args.string(0, 'sub', ''));
    return createInteger(index < 0 ? -1 : index + (start < 0 ? Math.max(0, text.length + start) : start));
  },
  rfind: (text, args) => {
    const start = args.number(1, 'start', 0);
    const index = sliceBounds(text, args, 1).lastIndexOf(args.string(0, 'sub', ''));
    return createInteger(index < 0 ? -1 : index + (start < 0 ? Math.max(0, text.length + start) : start));
  },
  index: (text, args) => {
    const found = STRING_METHODS.find!(text, args);
    if (found.value === -1) throw new TemplateRenderError('substring not found', 'ValueError');
    return found;
  },
  count: (text, args) => createInteger(countOccurrences(sliceBounds(text, args, 1), args.string(0, 'sub', ''))),
  join: (text, args) => {
    const items = iterate(args.get(0, 'iterable') ?? createList([]));
    const bad = items.find((item) => !isString(item));
    if (bad) {
      throw new TemplateRenderError(`sequence item: expected str instance, ${pythonTypeName(bad)} found`, 'TypeError');
    }
    return createString(items.map(stringOf).join(text));
  },
  format: (text, args) => createString(formatBraces(text, args.positional, args.keywords)),
  removeprefix: (text, args) => {
    const prefix = args.string(0, 'prefix', '');
    return createString(prefix !== '' && text.startsWith(prefix) ? text.slice(prefix.length) : text);
  },
  removesuffix: (text, args) => {
    const suffix = args.string(0, 'suffix', '');
    return createString(suffix !== '' && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text);
  },
  partition: (text, args) => {
    const separator = args.string(0, 'sep', '');
    const index = text.indexOf(separator);
    const parts = index < 0 ? [text, '', ''] : [text.slice(0, index), separator, text.slice(index + separator.length)];
    return createTuple(parts.map(createString));
  },
  rpartition: (text, args) => {
    const separator = args.string(0, 'sep', '');
    const index = text.lastIndexOf(separator);
    const parts = index < 0 ? ['', '', text] : [text.slice(0, index), separator, text.slice(index + separator.length)];
    return createTuple(parts.map(createString));
  },
  zfill: (text, args) => {
    const width = args.number(0, 'width', 0);
    const sign = /^[-+]/.test(text) ? text[0]! : '';
    return createString(sign + text.slice(sign.length).padStart(width - sign.length, '0'));
  },
  center: (text, args) => {
    const width = args.number(0, 'width', 0);
    const fill = args.string(1, 'fillchar', ' ');
    const total = Math.max(0, width - text.length);
    // CPython puts the extra character on the left when the text length is odd.
    const left = Math.floor(total / 2) + (total % 2 & width % 2);
    return createString(fill.repeat(left) + text + fill.repeat(total - left));
  },
  ljust: (text, args) => createString(text.padEnd(args.number(0, 'width', 0), args.string(1, 'fillchar', ' '))),
  rjust: (text, args) => createString(text.padStart(args.number(0, 'width', 0), args.string(1, 'fillchar', ' '))),
  isdigit: (text) => createBoolean(isAll(text, /\p{Nd}/u)),
  isdecimal: (text) => createBoolean(isAll(text, /\p{Nd}/u)),
  isnumeric: (text) => createBoolean(isAll(text, /\p{N}/u)),
  isalpha: (text) => createBoolean(isAll(text, /\p{L}/u)),
  isalnum: (text) => createBoolean(isAll(text, /[\p{L}\p{N}]/u)),
  isspace: (text) => createBoolean(text !== '' && [...text].every((c) => WHITESPACE_SET.has(c))),
  islower: (text) => createBoolean([...text].some(isCased) && text === text.toLowerCase()),
  isupper: (text) => createBoolean([...text].some(isCased) && text === text.toUpperCase()),
  istitle: (text) => createBoolean([...text].some(isCased) && pythonTitle(text) === text),
};

/** Looks up a Python `str` method; undefined when `str` has no such attribute. */
export function stringMethod(text: string, name: string): ((args: RuntimeValue[]) => RuntimeValue) | undefined {
  const method = Object.hasOwn(STRING_METHODS, name) ? STRING_METHODS[name] : undefined;
  if (method === undefined) return undefined;
  return (args) => method(text, new CallArguments(`str.${name}`, args));
}
