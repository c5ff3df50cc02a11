import {
  createDict,
  createFunction,
  createInteger,
  createList,
  createNone,
  createString,
  createTuple,
  createUndefined,
  dictKey,
  entriesOf,
  keyValue,
  isDict,
  isGenerator,
  isList,
  isNamespace,
  isNumeric,
  isString,
  isUndefined,
  itemsOf,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { CallArguments } from './call-arguments.js';
import { pythonEquals, pythonTypeName } from './python-operators.js';
import { stringMethod } from './string-methods.js';
import { TemplateRenderError } from '../template-error.js';

// Attributes that exist on Python dicts and lists but mutate them: the
// ImmutableSandboxedEnvironment transformers uses refuses them.
const UNSAFE_DICT_METHODS = new Set(['clear', 'pop', 'popitem', 'setdefault', 'update']);
const UNSAFE_LIST_METHODS = new Set(['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort']);

function unsafe(owner: RuntimeValue, name: string): RuntimeValue {
  return createFunction(() => {
    throw new TemplateRenderError(
      `access to attribute '${name}' of '${pythonTypeName(owner)}' object is unsafe.`,
      'SecurityError',
    );
  });
}

function method(
  owner: RuntimeValue,
  name: string,
  implementation: (args: CallArguments) => RuntimeValue,
): RuntimeValue {
  return createFunction((args) => implementation(new CallArguments(`${pythonTypeName(owner)}.${name}`, args)));
}

function dictAttribute(dict: RuntimeValue, name: string): RuntimeValue | undefined {
  const entries = entriesOf(dict);
  switch (name) {
    case 'get':
      return method(dict, name, (args) => {
        const key = args.get(0, 'key');
        const mapKey = key === undefined ? undefined : dictKey(key);
        const found = mapKey === undefined ? undefined : entries.get(mapKey);
        return found ?? args.get(1, 'default') ?? createNone();
      });
    case 'items':
      return method(dict, name, () =>
        createList([...entries].map(([key, value]) => createTuple([keyValue(key), value]))),
      );
    case 'keys':
      return method(dict, name, () => createList([...entries.keys()].map(keyValue)));
    case 'values':
      return method(dict, name, () => createList([...entries.values()]));
    case 'copy':
      return method(dict, name, () => createDict(new Map(entries)));
    default:
      return UNSAFE_DICT_METHODS.has(name) ? unsafe(dict, name) : undefined;
  }
}

function listAttribute(list: RuntimeValue, name: string): RuntimeValue | undefined {
  const items = itemsOf(list);
  switch (name) {
    case 'index':
      return method(list, name, (args) => {
        const wanted = args.get(0, 'value') ?? createUndefined();
        const found = items.findIndex((item) => pythonEquals(item, wanted));
        if (found < 0) throw new TemplateRenderError('value is not in list', 'ValueError');
        return createInteger(found);
      });
    case 'count':
      return method(list, name, (args) => {
        const wanted = args.get(0, 'value') ?? createUndefined();
        return createInteger(items.filter((item) => pythonEquals(item, wanted)).length);
      });
    case 'copy':
      return method(list, name, () => createList([...items]));
    default:
      return UNSAFE_LIST_METHODS.has(name) ? unsafe(list, name) : undefined;
  }
}

/** `getattr(value, name)` for the attributes templates use; undefined when there is none. */
function pythonAttribute(value: RuntimeValue, name: string): RuntimeValue | undefined {
  if (isString(value)) {
    const implementation = stringMethod(stringOf(value), name);
    return implementation ? createFunction((args) => implementation(args)) : undefined;
  }
  if (isDict(value)) return dictAttribute(value, name);
  if (isList(value) && !isGenerator(value)) return listAttribute(value, name);
  if (isNamespace(value)) return entriesOf(value).get(name);
  return undefined;
}

function index(length: number, position: number): number | undefined {
  const resolved = position < 0 ? length + position : position;
  return resolved >= 0 && resolved < length ? resolved : undefined;
}

/** `value[key]` without the attribute fallback; undefined on a lookup error. */
function pythonItem(value: RuntimeValue, key: RuntimeValue): RuntimeValue | undefined {
  if (isGenerator(value)) return undefined;
  if (isDict(value)) {
    const mapKey = dictKey(key);
    return mapKey === undefined ? undefined : entriesOf(value).get(mapKey);
  }
  if (isNamespace(value)) return isString(key) ? entriesOf(value).get(stringOf(key)) : undefined;
  if (!isNumeric(key) || !Number.isInteger(numberOf(key))) return undefined;
  if (isList(value)) {
    const items = itemsOf(value);
    const position = index(items.length, numberOf(key));
    return position === undefined ? undefined : items[position];
  }
  if (isString(value)) {
    const characters = [...stringOf(value)];
    const position = index(characters.length, numberOf(key));
    return position === undefined ? undefined : createString(characters[position]!);
  }
  return undefined;
}

function undefinedAccess(name: string): never {
  throw new TemplateRenderError(`'Undefined' has no attribute '${name}'`, 'UndefinedError');
}

/** jinja2's `obj.name`: the attribute first, then the item. */
export function getAttribute(value: RuntimeValue, name: string): RuntimeValue {
  if (isUndefined(value)) undefinedAccess(name);
  return pythonAttribute(value, name) ?? pythonItem(value, createString(name)) ?? createUndefined();
}

/** jinja2's `obj[key]`: the item first, then (for string keys) the attribute. */
export function getItem(value: RuntimeValue, key: RuntimeValue): RuntimeValue {
  if (isUndefined(value)) undefinedAccess(isString(key) ? stringOf(key) : String(key.value));
  return (
    pythonItem(value, key) ?? (isString(key) ? pythonAttribute(value, stringOf(key)) : undefined) ?? createUndefined()
  );
}

/** Python slicing `value[start:stop:step]` for lists, tuples and strings. */
export function getSlice(value: RuntimeValue, start?: number, stop?: number, step = 1): RuntimeValue {
  if (isUndefined(value)) undefinedAccess('__getitem__');
  if (step === 0) throw new TemplateRenderError('slice step cannot be zero', 'ValueError');
  const source: RuntimeValue[] | string[] = isString(value)
    ? [...stringOf(value)]
    : isList(value)
      ? itemsOf(value)
      : [];
  if (!isString(value) && !isList(value)) {
    throw new TemplateRenderError(`'${pythonTypeName(value)}' object is not subscriptable`, 'TypeError');
  }
  const length = source.length;
  const clamp = (position: number, low: number, high: number): number =>
    position < 0 ? Math.max(length + position, low) : Math.min(position, high);
  const from =
    start === undefined ? (step > 0 ? 0 : length - 1) : clamp(start, step > 0 ? 0 : -1, step > 0 ? length : length - 1);
  const to =
    stop === undefined ? (step > 0 ? length : -1) : clamp(stop, step > 0 ? 0 : -1, step > 0 ? length : length - 1);
  const picked: (RuntimeValue | string)[] = [];
  for (let position = from; step > 0 ? position < to : position > to; position += step) picked.push(source[position]!);
  if (isString(value)) return createString((picked as string[]).join(''));
  return value.type === 'TupleValue' ? createTuple(picked as RuntimeValue[]) : createList(picked as RuntimeValue[]);
}
