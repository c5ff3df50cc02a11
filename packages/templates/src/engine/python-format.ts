import {
  entriesOf,
  isBoolean,
  isDict,
  isFloat,
  isFunction,
  isGenerator,
  isInteger,
  isList,
  isNamespace,
  isNone,
  isString,
  isTuple,
  isUndefined,
  itemsOf,
  keyValue,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';

/**
 * Formats a float the way Python's `repr(float)` does: shortest round-trip
 * digits, always a decimal point or exponent, exponent form outside 1e-4..1e16.
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exponent >= 0) {
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    text = `${whole}.${fraction === '' ? '0' : fraction}`;
  } else {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

// Characters Python's str.isprintable() rejects (other than the ASCII space).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`: single quotes unless the text holds only single quotes. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let result = quote;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === quote || character === '\\') result += `\\${character}`;
    else if (character === '\n') result += '\\n';
    else if (character === '\r') result += '\\r';
    else if (character === '\t') result += '\\t';
    else if (character !== ' ' && NON_PRINTABLE.test(character)) {
      if (code < 0x100) result += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) result += `\\u${code.toString(16).padStart(4, '0')}`;
      else result += `\\U${code.toString(16).padStart(8, '0')}`;
    } else result += character;
  }
  return result + quote;
}

/** Python's `repr()` of a template value, as used inside `str(list)` and `str(dict)`. */
export function pythonRepr(value: RuntimeValue): string {
  if (isString(value)) return pythonStringRepr(stringOf(value));
  if (isGenerator(value)) return '<generator object>';
  if (isTuple(value)) {
    const items = itemsOf(value).map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (isList(value)) return `[${itemsOf(value).map(pythonRepr).join(', ')}]`;
  if (isDict(value)) {
    const entries = [...entriesOf(value)].map(([key, item]) => `${pythonRepr(keyValue(key))}: ${pythonRepr(item)}`);
    return `{${entries.join(', ')}}`;
  }
  if (isNamespace(value)) return '<Namespace>';
  return pythonStr(value);
}

/** Python's `str()` of a template value, which is what `{{ value }}` prints. */
export function pythonStr(value: RuntimeValue): string {
  if (isString(value)) return stringOf(value);
  if (isGenerator(value)) return '<generator object>';
  if (isUndefined(value)) return '';
  if (isNone(value)) return 'None';
  if (isBoolean(value)) return value.value ? 'True' : 'False';
  if (isInteger(value)) return String(numberOf(value));
  if (isFloat(value)) return formatPythonFloat(numberOf(value));
  if (isFunction(value)) return '<function>';
  if (isList(value) || isDict(value) || isNamespace(value)) return pythonRepr(value);
  return String(value.value);
}
