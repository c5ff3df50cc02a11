import {
  createDict,
  createFloat,
  createGenerator,
  createInteger,
  createMarkup,
  createList,
  createString,
  createTuple,
  createUndefined,
  isFloat,
  isGenerator,
  isList,
  isMarkup,
  isNumeric,
  isString,
  isUndefined,
  itemsOf,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { CallArguments } from './call-arguments.js';
import { pythonRepr, pythonStr } from './python-format.js';
import { pythonJsonDumps } from './python-json.js';
import { checkBuiltLength } from './render-budget.js';
import { formatPercent, htmlEscape } from './percent-format.js';
import { pythonRound } from './python-round.js';
import { getAttribute } from './member-access.js';
import { isTruthy } from './python-operators.js';
import { PYTHON_WHITESPACE, pythonCapitalize, pythonReplace, pythonStrip } from './string-methods.js';
import {
  attributeGetter,
  batchFilter,
  dictsortFilter,
  extremeFilter,
  itemsFilter,
  reverseFilter,
  selectFilter,
  sortFilter,
  sumFilter,
  uniqueFilter,
} from './sequence-filters.js';
import { iterate, lengthOf } from './python-iteration.js';
import { TemplateRenderError } from '../template-error.js';

/** A Jinja filter: `value | name(arguments…)`. */
export type JinjaFilter = (value: RuntimeValue, args: CallArguments) => RuntimeValue;

const text = (value: RuntimeValue): string => pythonStr(value);
const stringFilter =
  (transform: (input: string) => string): JinjaFilter =>
  (value) =>
    createString(transform(text(value)));

function toInteger(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const fallback = args.get(0, 'default') ?? createInteger(0);
  if (isNumeric(value)) return createInteger(Math.trunc(numberOf(value)));
  if (!isString(value)) return fallback;
  const base = args.number(1, 'base', 10);
  const input = pythonStrip(stringOf(value), undefined, 'both').replaceAll('_', '');
  const pattern =
    base === 16
      ? /^[-+]?(0x)?[0-9a-f]+$/i
      : base === 8
        ? /^[-+]?(0o)?[0-7]+$/i
        : base === 2
          ? /^[-+]?(0b)?[01]+$/i
          : /^[-+]?\d+$/;
  if (pattern.test(input)) return createInteger(parseInt(input.replace(/^([-+]?)0[xob]/i, '$1'), base));
  const asFloat = toFloat(value, new CallArguments('float', [createUndefined()]));
  return isUndefined(asFloat) ? fallback : createInteger(Math.trunc(numberOf(asFloat)));
}

function toFloat(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const fallback = args.get(0, 'default') ?? createFloat(0);
  if (isNumeric(value)) return createFloat(numberOf(value));
  if (!isString(value)) return fallback;
  const input = pythonStrip(stringOf(value), undefined, 'both').replaceAll('_', '').toLowerCase();
  if (/^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?)$/.test(input)) return createFloat(Number(input));
  if (/^[-+]?(inf|infinity)$/.test(input)) return createFloat(input.startsWith('-') ? -Infinity : Infinity);
  if (/^[-+]?nan$/.test(input)) return createFloat(NaN);
  return fallback;
}

function indentFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const width = args.get(0, 'width');
  const widthCount = width !== undefined && isString(width) ? stringOf(width).length : Math.max(0, args.number(0, 'width', 4));
  checkBuiltLength(widthCount, 'indent');
  const indentation = width !== undefined && isString(width) ? stringOf(width) : ' '.repeat(widthCount);
  const first = args.boolean(1, 'first', false);
  const blank = args.boolean(2, 'blank', false);
  // jinja2 appends a newline before splitlines(), then joins with "\n".
  const input = text(value);
  const lines = `${input}\n`.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  lines.pop();
  checkBuiltLength(input.length + lines.length * indentation.length, 'indent');
  let result: string;
  if (blank) result = lines.join(`\n${indentation}`);
  else {
    const [head = '', ...rest] = lines;
    result = head + (rest.length > 0 ? `\n${rest.map((line) => (line ? indentation + line : line)).join('\n')}` : '');
  }
  return createString(first ? indentation + result : result);
}

function joinFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const get = attributeGetter(args.get(1, 'attribute'));
  return createString(
    iterate(value)
      .map((item) => text(get(item)))
      .join(args.string(0, 'd', '')),
  );
}

function mapFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  // Like select, jinja2's map yields nothing for a falsy input.
  const items = isTruthy(value) ? iterate(value) : [];
  if (args.keywords.has('attribute')) {
    const get = attributeGetter(args.keywords.get('attribute'), args.keywords.get('default'));
    return createGenerator(items.map(get));
  }
  const name = args.positional[0];
  if (name === undefined) return createGenerator(items);
  const filter = findFilter(stringOf(name));
  if (filter === undefined)
    throw new TemplateRenderError(`No filter named '${stringOf(name)}'.`, 'TemplateRuntimeError');
  const rest = new CallArguments(stringOf(name), args.positional.slice(1));
  return createGenerator(items.map((item) => filter(item, rest)));
}

function tojsonFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const indent = args.get(1, 'indent');
  const separators = args.get(2, 'separators');
  return createString(
    pythonJsonDumps(value, {
      ensureAscii: args.boolean(0, 'ensure_ascii', false),
      indent:
        indent === undefined || indent.type === 'NullValue'
          ? null
          : isString(indent)
            ? stringOf(indent)
            : numberOf(indent),
      separators:
        separators !== undefined && isList(separators) ? (itemsOf(separators).map(stringOf) as [string, string]) : null,
      sortKeys: args.boolean(3, 'sort_keys', false),
    }),
  );
}

function truncateFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const input = text(value);
  const length = args.number(0, 'length', 255);
  const killWords = args.boolean(1, 'killwords', false);
  const end = args.string(2, 'end', '...');
  const leeway = args.number(3, 'leeway', 5);
  if (input.length <= length + leeway) return createString(input);
  if (killWords) return createString(input.slice(0, length - end.length) + end);
  const cut = input.slice(0, length - end.length);
  const space = cut.lastIndexOf(' ');
  return createString((space >= 0 ? cut.slice(0, space) : cut) + end);
}

function roundFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const precision = args.number(0, 'precision', 0);
  const method = args.string(1, 'method', 'common');
  const number = numberOf(value);
  if (method === 'common') return createFloat(pythonRound(number, precision));
  const factor = 10 ** precision;
  return createFloat((method === 'ceil' ? Math.ceil(number * factor) : Math.floor(number * factor)) / factor);
}

function regexReplaceFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const pattern = new RegExp(args.string(0, 'pattern', ''), 'gu');
  // Python-style \1 back-references become JavaScript's $1.
  const replacement = args
    .string(1, 'replacement', '')
    .replace(/\$/g, '$$$$')
    .replace(/\\(\d+)/g, '$$$1');
  return createString(text(value).replace(pattern, replacement));
}

const FILTERS: Record<string, JinjaFilter> = {
  abs: (value) => (isFloat(value) ? createFloat(Math.abs(numberOf(value))) : createInteger(Math.abs(numberOf(value)))),
  attr: (value, args) => getAttribute(value, args.string(0, 'name', '')),
  batch: batchFilter,
  capitalize: stringFilter(pythonCapitalize),
  center: (value, args) => {
    const input = text(value);
    const width = args.number(0, 'width', 80);
    const total = Math.max(0, width - input.length);
    const left = Math.floor(total / 2) + (total % 2 & width % 2);
    return createString(' '.repeat(left) + input + ' '.repeat(total - left));
  },
  count: (value) => createInteger(lengthOf(value)),
  default: (value, args) => {
    const useDefault = isUndefined(value) || (args.boolean(1, 'boolean', false) && !isTruthy(value));
    return useDefault ? (args.get(0, 'default_value') ?? createString('')) : value;
  },
  dictsort: dictsortFilter,
  escape: (value) => (isMarkup(value) ? value : createMarkup(htmlEscape(text(value)))),
  forceescape: (value) => createMarkup(htmlEscape(text(value))),
  first: (value) => iterate(value)[0] ?? createUndefined(),
  float: toFloat,
  format: (value, args) => {
    const values = args.keywords.size > 0 ? createDict(args.keywords) : createTuple(args.positional);
    return createString(formatPercent(text(value), values));
  },
  indent: indentFilter,
  int: toInteger,
  items: itemsFilter,
  join: joinFilter,
  last: (value) => {
    if (isGenerator(value)) throw new TemplateRenderError("'generator' object is not reversible", 'TypeError');
    return iterate(value).at(-1) ?? createUndefined();
  },
  length: (value) => createInteger(lengthOf(value)),
  list: (value) => createList(iterate(value)),
  lower: stringFilter((input) => input.toLowerCase()),
  map: mapFilter,
  max: extremeFilter(1),
  min: extremeFilter(-1),
  pprint: (value) => createString(pythonRepr(value)),
  reject: selectFilter(false, false),
  rejectattr: selectFilter(false, true),
  replace: (value, args) =>
    createString(
      pythonReplace(text(value), args.string(0, 'old', ''), args.string(1, 'new', ''), args.number(2, 'count', -1)),
    ),
  reverse: reverseFilter,
  round: roundFilter,
  safe: (value) => (isMarkup(value) ? value : createMarkup(text(value))),
  select: selectFilter(true, false),
  selectattr: selectFilter(true, true),
  sort: sortFilter,
  string: (value) => (isString(value) ? value : createString(text(value))),
  striptags: stringFilter((input) =>
    input
      .replace(/<!--.*?-->|<[^>]*>/gs, '')
      .split(new RegExp(`[${PYTHON_WHITESPACE}]+`))
      .filter(Boolean)
      .join(' '),
  ),
  sum: sumFilter,
  title: stringFilter((input) =>
    input
      .split(/([-\s({[<]+)/)
      .filter(Boolean)
      .map((part) => (part[0] ?? '').toUpperCase() + part.slice(1).toLowerCase())
      .join(''),
  ),
  tojson: tojsonFilter,
  trim: (value, args) => createString(pythonStrip(text(value), args.string(0, 'chars'), 'both')),
  truncate: truncateFilter,
  unique: uniqueFilter,
  upper: stringFilter((input) => input.toUpperCase()),
  wordcount: (value) => createInteger(text(value).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0),
};

const ALIASES: Record<string, string> = { d: 'default', e: 'escape' };

/**
 * Filters that are not part of jinja2 but appear in GPT4All's own catalog
 * templates (GPT4All's C++ Jinja engine provides them).
 */
const EXTENSION_FILTERS: Record<string, JinjaFilter> = { regex_replace: regexReplaceFilter };

/** Finds a filter by name: jinja2's built-ins (with transformers' `tojson`) and GPT4All's extensions. */
export function findFilter(name: string): JinjaFilter | undefined {
  const resolved = ALIASES[name] ?? name;
  if (Object.hasOwn(FILTERS, resolved)) return FILTERS[resolved];
  return Object.hasOwn(EXTENSION_FILTERS, resolved) ? EXTENSION_FILTERS[resolved] : undefined;
}

/** Applies a named filter; unknown names fail like jinja2 does at runtime. */
export function applyFilter(name: string, value: RuntimeValue, args: RuntimeValue[]): RuntimeValue {
  const filter = findFilter(name);
  if (filter === undefined) throw new TemplateRenderError(`No filter named '${name}' found.`, 'TemplateRuntimeError');
  return filter(value, new CallArguments(name, args));
}
