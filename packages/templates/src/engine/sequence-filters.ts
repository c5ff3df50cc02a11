import {
  createFloat,
  createGenerator,
  createInteger,
  createList,
  createString,
  createTuple,
  createUndefined,
  entriesOf,
  isDict,
  isGenerator,
  isNone,
  isNumeric,
  isString,
  isUndefined,
  itemsOf,
  keyValue,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import type { CallArguments } from './call-arguments.js';
import { iterate } from './python-iteration.js';
import { getItem } from './member-access.js';
import { isTruthy, pythonCompare, pythonEquals } from './python-operators.js';
import { runTest } from './jinja-tests.js';
import { TemplateRenderError } from '../template-error.js';

/** jinja2's attribute getter: `'a.b.0'` walks items, converting digit parts to integers. */
export function attributeGetter(
  path: RuntimeValue | undefined,
  fallback?: RuntimeValue,
): (item: RuntimeValue) => RuntimeValue {
  if (path === undefined || isNone(path)) return (item) => item;
  const parts = isString(path) ? stringOf(path).split('.') : [String(numberOf(path))];
  return (item) => {
    let current = item;
    for (const part of parts) {
      current = getItem(current, /^\d+$/.test(part) ? createInteger(Number(part)) : createString(part));
    }
    return fallback !== undefined && isUndefined(current) ? fallback : current;
  };
}

/** A sort key that lower-cases strings unless the comparison is case-sensitive. */
function sortKey(caseSensitive: boolean): (value: RuntimeValue) => RuntimeValue {
  return (value) => (!caseSensitive && isString(value) ? createString(stringOf(value).toLowerCase()) : value);
}

function sorted(items: RuntimeValue[], key: (item: RuntimeValue) => RuntimeValue, reverse: boolean): RuntimeValue[] {
  // Array.prototype.sort is stable, like Python's sort; reversing keeps equal items in order.
  return [...items].sort((a, b) => {
    const order = pythonCompare(key(a), key(b), '<');
    return reverse ? -order : order;
  });
}

export function sortFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const lower = sortKey(args.boolean(1, 'case_sensitive', false));
  const get = attributeGetter(args.get(2, 'attribute'));
  return createList(sorted(iterate(value), (item) => lower(get(item)), args.boolean(0, 'reverse', false)));
}

export function dictsortFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  if (!isDict(value)) throw new TemplateRenderError('dictsort needs a mapping', 'TypeError');
  const by = args.string(1, 'by', 'key');
  const position = by === 'key' ? 0 : by === 'value' ? 1 : -1;
  if (position < 0)
    throw new TemplateRenderError('You can only sort by either "key" or "value"', 'FilterArgumentError');
  const lower = sortKey(args.boolean(0, 'case_sensitive', false));
  const pairs = [...entriesOf(value)].map(([key, item]) => createTuple([keyValue(key), item]));
  return createList(sorted(pairs, (pair) => lower(itemsOf(pair)[position]!), args.boolean(2, 'reverse', false)));
}

export function uniqueFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const lower = sortKey(args.boolean(0, 'case_sensitive', false));
  const get = attributeGetter(args.get(1, 'attribute'));
  const seen: RuntimeValue[] = [];
  const result: RuntimeValue[] = [];
  for (const item of iterate(value)) {
    const key = lower(get(item));
    if (!seen.some((other) => pythonEquals(other, key))) {
      seen.push(key);
      result.push(item);
    }
  }
  return createGenerator(result);
}

export function extremeFilter(direction: 1 | -1) {
  return (value: RuntimeValue, args: CallArguments): RuntimeValue => {
    const lower = sortKey(args.boolean(0, 'case_sensitive', false));
    const get = attributeGetter(args.get(1, 'attribute'));
    let best: RuntimeValue | undefined;
    for (const item of iterate(value)) {
      if (best === undefined || direction * pythonCompare(lower(get(item)), lower(get(best)), '<') > 0) best = item;
    }
    return best ?? createUndefined();
  };
}

export function sumFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const get = attributeGetter(args.get(0, 'attribute'));
  let total = args.get(1, 'start') ?? createInteger(0);
  for (const item of iterate(value)) {
    const next = get(item);
    if (!isNumeric(total) || !isNumeric(next)) throw new TemplateRenderError('sum needs numbers', 'TypeError');
    const result = numberOf(total) + numberOf(next);
    total = total.type === 'FloatValue' || next.type === 'FloatValue' ? createFloat(result) : createInteger(result);
  }
  return total;
}

/** `select`/`reject`/`selectattr`/`rejectattr`: keep items whose test result equals `keep`. */
export function selectFilter(keep: boolean, byAttribute: boolean) {
  return (value: RuntimeValue, args: CallArguments): RuntimeValue => {
    // jinja2 yields nothing for a falsy input (None included) instead of failing.
    if (!isTruthy(value)) return createGenerator([]);
    const offset = byAttribute ? 1 : 0;
    const get = byAttribute ? attributeGetter(args.positional[0]) : (item: RuntimeValue) => item;
    const testName = args.positional[offset];
    const testArgs = args.positional.slice(offset + 1);
    const passes = (item: RuntimeValue): boolean =>
      testName === undefined ? isTruthy(get(item)) : runTest(stringOf(testName), get(item), testArgs);
    return createGenerator(iterate(value).filter((item) => passes(item) === keep));
  };
}

export function batchFilter(value: RuntimeValue, args: CallArguments): RuntimeValue {
  const size = args.number(0, 'linecount', 1);
  if (size <= 0) throw new TemplateRenderError('batch size must be positive', 'ValueError');
  const fill = args.get(1, 'fill_with');
  const items = iterate(value);
  const batches: RuntimeValue[] = [];
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size);
    while (fill !== undefined && !isNone(fill) && batch.length < size) batch.push(fill);
    batches.push(createList(batch));
  }
  return createGenerator(batches);
}

export function itemsFilter(value: RuntimeValue): RuntimeValue {
  if (isUndefined(value)) return createGenerator([]);
  if (!isDict(value)) throw new TemplateRenderError('Can only get item pairs from a mapping.', 'TypeError');
  return createGenerator([...entriesOf(value)].map(([key, item]) => createTuple([keyValue(key), item])));
}

export function reverseFilter(value: RuntimeValue): RuntimeValue {
  if (isString(value)) return createString([...stringOf(value)].reverse().join(''));
  // reversed() of a list is an iterator; of a generator, jinja2 falls back to a list.
  return isGenerator(value) ? createList(iterate(value).reverse()) : createGenerator([...iterate(value)].reverse());
}
