import {
  createFloat,
  createInteger,
  createList,
  createMarkup,
  createString,
  createTuple,
  dictKey,
  entriesOf,
  isDict,
  isFloat,
  isGenerator,
  isList,
  isMarkup,
  isNamespace,
  isNone,
  isNumeric,
  isString,
  isTuple,
  isUndefined,
  itemsOf,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { compareCodePoints } from './python-json.js';
import { pythonStr } from './python-format.js';
import { TemplateRenderError } from '../template-error.js';
import { escapeForMarkup, formatPercent } from './percent-format.js';

/** Python's name for a value's type, for error messages that match jinja2's. */
export function pythonTypeName(value: RuntimeValue): string {
  if (isString(value)) return 'str';
  if (isGenerator(value)) return 'generator';
  if (isTuple(value)) return 'tuple';
  if (isList(value)) return 'list';
  if (isDict(value)) return 'dict';
  if (isNone(value)) return 'NoneType';
  if (isUndefined(value)) return 'Undefined';
  if (isNamespace(value)) return 'Namespace';
  if (value.type === 'BooleanValue') return 'bool';
  if (value.type === 'IntegerValue') return 'int';
  if (isFloat(value)) return 'float';
  return 'function';
}

/** Python truthiness. */
export function isTruthy(value: RuntimeValue): boolean {
  return value.__bool__().value;
}

/** Python `==`: deep for containers, numeric across int/float/bool, strict otherwise. */
export function pythonEquals(left: RuntimeValue, right: RuntimeValue): boolean {
  if (isNumeric(left) && isNumeric(right)) return numberOf(left) === numberOf(right);
  if (isString(left) && isString(right)) return stringOf(left) === stringOf(right);
  if (isGenerator(left) || isGenerator(right)) return left === right;
  if (isList(left) && isList(right)) {
    if (isTuple(left) !== isTuple(right)) return false;
    const a = itemsOf(left);
    const b = itemsOf(right);
    return a.length === b.length && a.every((item, index) => pythonEquals(item, b[index]!));
  }
  if (isDict(left) && isDict(right)) {
    const a = entriesOf(left);
    const b = entriesOf(right);
    if (a.size !== b.size) return false;
    for (const [key, item] of a) {
      const other = b.get(key);
      if (other === undefined || !pythonEquals(item, other)) return false;
    }
    return true;
  }
  if (isNone(left) || isNone(right) || isUndefined(left) || isUndefined(right)) return left.type === right.type;
  return left === right;
}

function undefinedOperand(): never {
  throw new TemplateRenderError('an undefined value was used in an operation', 'UndefinedError');
}

function unsupported(operator: string, left: RuntimeValue, right: RuntimeValue): never {
  throw new TemplateRenderError(
    `unsupported operand type(s) for ${operator}: '${pythonTypeName(left)}' and '${pythonTypeName(right)}'`,
    'TypeError',
  );
}

/** Python ordering (`<`): numbers, strings by code point, and sequences element by element. */
export function pythonCompare(left: RuntimeValue, right: RuntimeValue, operator: string): number {
  if (isUndefined(left) || isUndefined(right)) undefinedOperand();
  if (isNumeric(left) && isNumeric(right)) return numberOf(left) - numberOf(right);
  if (isString(left) && isString(right)) return compareCodePoints(stringOf(left), stringOf(right));
  if (isList(left) && isList(right) && isTuple(left) === isTuple(right)) {
    const a = itemsOf(left);
    const b = itemsOf(right);
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      if (!pythonEquals(a[index]!, b[index]!)) return pythonCompare(a[index]!, b[index]!, operator);
    }
    return a.length - b.length;
  }
  throw new TemplateRenderError(
    `'${operator}' not supported between instances of '${pythonTypeName(left)}' and '${pythonTypeName(right)}'`,
    'TypeError',
  );
}

/** Python `in`: substring, list membership or dict key; nothing is in an undefined value. */
export function pythonContains(container: RuntimeValue, item: RuntimeValue): boolean {
  if (isUndefined(container)) return false;
  if (isString(container)) {
    if (!isString(item)) {
      throw new TemplateRenderError(
        `'in <string>' requires string as left operand, not ${pythonTypeName(item)}`,
        'TypeError',
      );
    }
    return stringOf(container).includes(stringOf(item));
  }
  if (isList(container)) return itemsOf(container).some((element) => pythonEquals(element, item));
  if (isDict(container)) {
    const key = dictKey(item);
    return key !== undefined && entriesOf(container).has(key);
  }
  throw new TemplateRenderError(`argument of type '${pythonTypeName(container)}' is not iterable`, 'TypeError');
}

function numericResult(left: RuntimeValue, right: RuntimeValue, result: number): RuntimeValue {
  return isFloat(left) || isFloat(right) ? createFloat(result) : createInteger(result);
}

function repeat(sequence: RuntimeValue, times: RuntimeValue, maxLength: number): RuntimeValue {
  const count = Math.max(0, numberOf(times));
  const length = isString(sequence) ? stringOf(sequence).length : itemsOf(sequence).length;
  if (length * count > maxLength) {
    throw new TemplateRenderError(`repetition result is too large (${length * count} items)`, 'MemoryError');
  }
  if (isString(sequence)) {
    const text = stringOf(sequence).repeat(count);
    return isMarkup(sequence) ? createMarkup(text) : createString(text);
  }
  const items = Array.from({ length: count }, () => itemsOf(sequence)).flat();
  return isTuple(sequence) ? createTuple(items) : createList(items);
}

/**
 * Python arithmetic and concatenation for `+ - * / // % **` and Jinja's `~`.
 * `maxLength` bounds string/list repetition, which could otherwise explode.
 */
export function pythonBinary(
  operator: string,
  left: RuntimeValue,
  right: RuntimeValue,
  maxLength: number,
): RuntimeValue {
  if (operator === '~') return createString(pythonStr(left) + pythonStr(right));
  if (isUndefined(left) || isUndefined(right)) undefinedOperand();
  if (isNumeric(left) && isNumeric(right)) {
    const a = numberOf(left);
    const b = numberOf(right);
    switch (operator) {
      case '+':
        return numericResult(left, right, a + b);
      case '-':
        return numericResult(left, right, a - b);
      case '*':
        return numericResult(left, right, a * b);
      case '/':
        if (b === 0) throw new TemplateRenderError('division by zero', 'ZeroDivisionError');
        return createFloat(a / b);
      case '//':
        if (b === 0) throw new TemplateRenderError('integer division or modulo by zero', 'ZeroDivisionError');
        return numericResult(left, right, Math.floor(a / b));
      case '%':
        if (b === 0) throw new TemplateRenderError('integer division or modulo by zero', 'ZeroDivisionError');
        // Python's modulo takes the sign of the divisor.
        return numericResult(left, right, ((a % b) + b) % b);
      case '**': {
        const result = a ** b;
        return isFloat(left) || isFloat(right) || b < 0 ? createFloat(result) : createInteger(result);
      }
    }
  }
  if (operator === '+') {
    if (isMarkup(left) || isMarkup(right)) {
      if (isString(left) && isString(right)) {
        return createMarkup(stringOf(escapeForMarkup(left)) + stringOf(escapeForMarkup(right)));
      }
    } else if (isString(left) && isString(right)) return createString(stringOf(left) + stringOf(right));
    const sequences = isList(left) && isList(right) && !isGenerator(left) && !isGenerator(right);
    if (sequences && isTuple(left) === isTuple(right)) {
      const items = [...itemsOf(left), ...itemsOf(right)];
      return isTuple(left) ? createTuple(items) : createList(items);
    }
    if (isString(left) || isString(right)) {
      const other = isString(left) ? right : left;
      throw new TemplateRenderError(
        isString(left)
          ? `can only concatenate str (not "${pythonTypeName(other)}") to str`
          : `unsupported operand type(s) for +: '${pythonTypeName(left)}' and 'str'`,
        'TypeError',
      );
    }
  }
  if (operator === '*') {
    if ((isString(left) || isList(left)) && right.type === 'IntegerValue') return repeat(left, right, maxLength);
    if ((isString(right) || isList(right)) && left.type === 'IntegerValue') return repeat(right, left, maxLength);
  }
  if (operator === '%' && isString(left)) {
    if (!isMarkup(left)) return createString(formatPercent(stringOf(left), right));
    const escaped = isList(right) ? createTuple(itemsOf(right).map(escapeForMarkup)) : escapeForMarkup(right);
    return createMarkup(formatPercent(stringOf(left), escaped));
  }
  return unsupported(operator, left, right);
}
