import {
  entriesOf,
  isBoolean,
  isDict,
  isFloat,
  isGenerator,
  isInteger,
  isList,
  isNone,
  isString,
  itemsOf,
  keyValue,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { formatPythonFloat } from './python-format.js';
import { TemplateRenderError } from '../template-error.js';
import { checkBuiltLength } from './render-budget.js';

/** The keyword arguments of Python's `json.dumps` that the `tojson` filter forwards. */
export interface PythonJsonOptions {
  /** Escape every non-ASCII character (`\uXXXX`). */
  ensureAscii?: boolean;
  /** Pretty-print: a number of spaces or an indent string; `null` keeps one line. */
  indent?: number | string | null;
  /** `[itemSeparator, keySeparator]`. */
  separators?: readonly [string, string] | null;
  /** Sort dict keys by code point, as Python sorts strings. */
  sortKeys?: boolean;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const hex4 = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;

/** Encodes a string like `json.dumps` (which differs from `JSON.stringify` for lone surrogates and ensure_ascii). */
export function pythonJsonString(text: string, ensureAscii: boolean): string {
  let result = '"';
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    const code = text.charCodeAt(index);
    const short = SHORT_ESCAPES[character];
    if (short !== undefined) result += short;
    else if (code < 0x20) result += hex4(code);
    // Python escapes each UTF-16 unit of astral characters, which is what iterating code units gives.
    else if (ensureAscii && code > 0x7e) result += hex4(code);
    else result += character;
  }
  return result + '"';
}

/** Compares strings by code point, as Python does (JavaScript compares UTF-16 units). */
export function compareCodePoints(left: string, right: string): number {
  const a = [...left];
  const b = [...right];
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index]!.codePointAt(0) ?? 0) - (b[index]!.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** json.dumps turns non-string keys into strings: 1 -> "1", None -> "null". */
function jsonKey(key: string): string {
  const value = keyValue(key);
  if (isString(value)) return stringOf(value);
  if (isNone(value)) return 'null';
  return pythonJsonNumber(value);
}

function pythonJsonNumber(value: RuntimeValue): string {
  const number = numberOf(value);
  if (isFloat(value)) {
    if (Number.isNaN(number)) return 'NaN';
    if (!Number.isFinite(number)) return number > 0 ? 'Infinity' : '-Infinity';
    return formatPythonFloat(number);
  }
  return String(number);
}

/**
 * Serialises a template value exactly like Python's `json.dumps(value, **options)`,
 * which is what transformers' `tojson` filter calls. Keys keep insertion order.
 */
export function pythonJsonDumps(value: RuntimeValue, options: PythonJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? false;
  if (typeof options.indent === 'number') checkBuiltLength(options.indent, 'tojson');
  const indent =
    options.indent === null || options.indent === undefined
      ? null
      : typeof options.indent === 'number'
        ? ' '.repeat(Math.max(0, options.indent))
        : options.indent;
  // Indentation is most of what a huge `indent` builds: counted before each piece is made.
  let indentationBuilt = 0;
  const [itemSeparator, keySeparator] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);

  const encode = (current: RuntimeValue, depth: number): string => {
    if (isNone(current)) return 'null';
    if (isBoolean(current)) return current.value ? 'true' : 'false';
    if (isInteger(current) || isFloat(current)) return pythonJsonNumber(current);
    if (isString(current)) return pythonJsonString(stringOf(current), ensureAscii);
    if (isGenerator(current)) {
      throw new TemplateRenderError('Object of type generator is not JSON serializable', 'TypeError');
    }
    if (indent !== null && (isList(current) || isDict(current))) {
      indentationBuilt += indent.length * (depth + 1) * (lengthOfContainer(current) + 1);
      checkBuiltLength(indentationBuilt, 'tojson');
    }
    const newline = indent === null ? '' : `\n${indent.repeat(depth + 1)}`;
    const closing = indent === null ? '' : `\n${indent.repeat(depth)}`;
    if (isList(current)) {
      const items = itemsOf(current);
      if (items.length === 0) return '[]';
      return `[${newline}${items.map((item) => encode(item, depth + 1)).join(itemSeparator + newline)}${closing}]`;
    }
    if (isDict(current)) {
      let entries = [...entriesOf(current)];
      if (entries.length === 0) return '{}';
      if (options.sortKeys) entries = entries.sort(([a], [b]) => compareCodePoints(jsonKey(a), jsonKey(b)));
      const parts = entries.map(
        ([key, item]) => `${pythonJsonString(jsonKey(key), ensureAscii)}${keySeparator}${encode(item, depth + 1)}`,
      );
      return `{${newline}${parts.join(itemSeparator + newline)}${closing}}`;
    }
    const typeName = current.type === 'UndefinedValue' ? 'Undefined' : current.type.replace(/Value$/, '');
    throw new TemplateRenderError(`Object of type ${typeName} is not JSON serializable`, 'TypeError');
  };
  return encode(value, 0);
}

/** Items of a list or entries of a dict: the lines `json.dumps` indents in it. */
function lengthOfContainer(value: RuntimeValue): number {
  return isList(value) ? itemsOf(value).length : [...entriesOf(value)].length;
}
