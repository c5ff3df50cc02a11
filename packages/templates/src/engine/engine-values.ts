import { Environment, Interpreter, parse, tokenize, type EngineEnvironment } from './jinja-engine.js';

/**
 * Runtime values of @huggingface/jinja, seen structurally.
 *
 * The package does not export its value classes, but its interpreter checks
 * `instanceof` on them (for loops, namespaces, macros), so values we create must
 * be real instances. We obtain each constructor once by asking the engine to
 * build a sample value.
 */
export interface RuntimeValue {
  type: string;
  value: unknown;
  __bool__(): { value: boolean };
  toString(): string;
}

export type RuntimeFunction = (args: RuntimeValue[], scope: EngineEnvironment) => RuntimeValue;

type ValueConstructor<T> = new (value: T) => RuntimeValue;

const probe = new Environment();
let probeCount = 0;
const sample = (value: unknown): RuntimeValue => probe.set(`probe${probeCount++}`, value);

const constructorOf = <T>(value: RuntimeValue): ValueConstructor<T> =>
  value.constructor as unknown as ValueConstructor<T>;

const StringValue = constructorOf<string>(sample(''));
const IntegerValue = constructorOf<number>(sample(0));
const FloatValue = constructorOf<number>(sample(0.5));
const BooleanValue = constructorOf<boolean>(sample(true));
const NullValue = constructorOf<null>(sample(null));
const UndefinedValue = constructorOf<undefined>(sample(undefined));
const ArrayValue = constructorOf<RuntimeValue[]>(sample([]));
const ObjectValue = constructorOf<Map<string, RuntimeValue>>(sample({}));
const FunctionValue = constructorOf<RuntimeFunction>(sample(() => null));

// Tuples and keyword-argument bags only arise while evaluating expressions.
function evaluateSample(source: string, captured: RuntimeValue[][]): RuntimeValue {
  const environment = new Environment();
  environment.variables.set(
    'capture',
    new FunctionValue((args: RuntimeValue[]) => {
      captured.push(args);
      return new NullValue(null);
    }),
  );
  const program = parse(tokenize(source));
  const interpreter = new Interpreter(environment);
  const statement = program.body[0];
  return interpreter.evaluate(statement, environment);
}

const capturedArgs: RuntimeValue[][] = [];
const TupleValue = constructorOf<RuntimeValue[]>(evaluateSample('{{ (1, 2) }}', capturedArgs));
evaluateSample('{{ capture(a=1) }}', capturedArgs);
const KeywordArgumentsValue = constructorOf<Map<string, RuntimeValue>>(capturedArgs[0]![0]!);

export const createString = (value: string): RuntimeValue => new StringValue(value);
export const createInteger = (value: number): RuntimeValue => new IntegerValue(value);
export const createFloat = (value: number): RuntimeValue => new FloatValue(value);
export const createBoolean = (value: boolean): RuntimeValue => new BooleanValue(value);
export const createNone = (): RuntimeValue => new NullValue(null);
export const createUndefined = (): RuntimeValue => new UndefinedValue(undefined);
export const createList = (items: RuntimeValue[]): RuntimeValue => new ArrayValue(items);
export const createTuple = (items: RuntimeValue[]): RuntimeValue => new TupleValue(items);
export const createDict = (entries: Map<string, RuntimeValue>): RuntimeValue => new ObjectValue(entries);
export const createKeywordArguments = (entries: Map<string, RuntimeValue>): RuntimeValue =>
  new KeywordArgumentsValue(entries);
export const createFunction = (implementation: RuntimeFunction): RuntimeValue => new FunctionValue(implementation);

// Python values the engine has no class for are flagged on ordinary instances.
const generators = new WeakSet<RuntimeValue>();
const markups = new WeakSet<RuntimeValue>();

/**
 * A one-shot iterator, as jinja2's `map`, `select`, `items`… filters return:
 * always truthy, no length, not JSON-serialisable, exhausted after one pass.
 */
export function createGenerator(items: RuntimeValue[]): RuntimeValue {
  const generator = createList(items);
  Object.defineProperty(generator, '__bool__', { value: () => createBoolean(true) });
  generators.add(generator);
  return generator;
}

export const isGenerator = (value: RuntimeValue): boolean => generators.has(value);

/** Takes a generator's remaining items, leaving it exhausted. */
export function drainGenerator(generator: RuntimeValue): RuntimeValue[] {
  const items = generator.value as RuntimeValue[];
  generator.value = [];
  return items;
}

/** A `markupsafe.Markup` string (from `|safe` or `|escape`): adding plain text to it escapes that text. */
export function createMarkup(text: string): RuntimeValue {
  const markup = createString(text);
  markups.add(markup);
  return markup;
}

export const isMarkup = (value: RuntimeValue): boolean => markups.has(value);

/** A number as Python would type it: integral values become `int`, others `float`. */
export const createNumber = (value: number): RuntimeValue =>
  Number.isInteger(value) ? createInteger(value) : createFloat(value);

export const isString = (value: RuntimeValue): boolean => value.type === 'StringValue';
export const isInteger = (value: RuntimeValue): boolean => value.type === 'IntegerValue';
export const isFloat = (value: RuntimeValue): boolean => value.type === 'FloatValue';
export const isBoolean = (value: RuntimeValue): boolean => value.type === 'BooleanValue';
export const isNone = (value: RuntimeValue): boolean => value.type === 'NullValue';
export const isUndefined = (value: RuntimeValue): boolean => value.type === 'UndefinedValue';
export const isList = (value: RuntimeValue): boolean => value.type === 'ArrayValue' || value.type === 'TupleValue';
export const isTuple = (value: RuntimeValue): boolean => value.type === 'TupleValue';
export const isDict = (value: RuntimeValue): boolean =>
  value.type === 'ObjectValue' || value.type === 'KeywordArgumentsValue';
export const isNamespace = (value: RuntimeValue): boolean => value.type === 'NamespaceValue';
export const isFunction = (value: RuntimeValue): boolean => value.type === 'FunctionValue';
export const isKeywordArguments = (value: RuntimeValue): boolean => value.type === 'KeywordArgumentsValue';
/** int, float or bool: Python treats bool as a number. */
export const isNumeric = (value: RuntimeValue): boolean => isInteger(value) || isFloat(value) || isBoolean(value);

export const stringOf = (value: RuntimeValue): string => value.value as string;
export const numberOf = (value: RuntimeValue): number =>
  isBoolean(value) ? Number(value.value as boolean) : (value.value as number);
export const itemsOf = (value: RuntimeValue): RuntimeValue[] => value.value as RuntimeValue[];
export const entriesOf = (value: RuntimeValue): Map<string, RuntimeValue> => value.value as Map<string, RuntimeValue>;
export const functionOf = (value: RuntimeValue): RuntimeFunction => value.value as RuntimeFunction;

// Dict keys are stored as strings in the engine's maps; keys of other types
// (Python allows `{0: 'a'}`) are encoded behind a NUL prefix no real key uses.
const KEY_PREFIX = '\u0000';

/** The map key for a Python dict key; undefined for unhashable values (lists, dicts). */
export function dictKey(value: RuntimeValue): string | undefined {
  switch (value.type) {
    case 'StringValue':
      return value.value as string;
    case 'IntegerValue':
      return `${KEY_PREFIX}i${value.value as number}`;
    case 'FloatValue':
      return Number.isInteger(value.value)
        ? `${KEY_PREFIX}i${value.value as number}`
        : `${KEY_PREFIX}f${value.value as number}`;
    case 'BooleanValue':
      return `${KEY_PREFIX}i${Number(value.value)}`;
    case 'NullValue':
      return `${KEY_PREFIX}n`;
    default:
      return undefined;
  }
}

/** The Python value of a dict's map key (see {@link dictKey}). */
export function keyValue(key: string): RuntimeValue {
  if (!key.startsWith(KEY_PREFIX)) return createString(key);
  const kind = key[1];
  const text = key.slice(2);
  if (kind === 'i') return createInteger(Number(text));
  if (kind === 'f') return createFloat(Number(text));
  return createNone();
}

/**
 * Converts plain JavaScript data to runtime values. Unlike the engine's own
 * conversion it accepts `Map`s (to keep integer-like keys in insertion order,
 * which plain objects cannot) and skips `undefined` properties.
 */
export function toRuntimeValue(input: unknown): RuntimeValue {
  if (input === null) return createNone();
  if (input === undefined) return createUndefined();
  if (typeof input === 'string') return createString(input);
  if (typeof input === 'boolean') return createBoolean(input);
  if (typeof input === 'number') return createNumber(input);
  if (typeof input === 'bigint') return createInteger(Number(input));
  if (Array.isArray(input)) return createList(input.map(toRuntimeValue));
  if (input instanceof Map) {
    const entries = new Map<string, RuntimeValue>();
    for (const [key, value] of input) entries.set(String(key), toRuntimeValue(value));
    return createDict(entries);
  }
  if (input instanceof Date) return createString(input.toISOString());
  if (typeof input === 'function') {
    const callable = input as (...args: unknown[]) => unknown;
    return createFunction((args) => toRuntimeValue(callable(...args.map(fromRuntimeValue))));
  }
  if (typeof input === 'object') {
    const entries = new Map<string, RuntimeValue>();
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined) entries.set(key, toRuntimeValue(value));
    }
    return createDict(entries);
  }
  throw new TypeError(`Cannot pass a ${typeof input} to a template`);
}

/** Converts a runtime value back to plain JavaScript data (dicts become plain objects). */
export function fromRuntimeValue(value: RuntimeValue): unknown {
  if (isList(value)) return itemsOf(value).map(fromRuntimeValue);
  if (isDict(value) || isNamespace(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of entriesOf(value)) result[key] = fromRuntimeValue(item);
    return result;
  }
  if (isUndefined(value)) return undefined;
  return value.value;
}
