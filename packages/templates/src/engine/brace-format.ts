import {
  createString,
  entriesOf,
  isDict,
  isList,
  isNumeric,
  isString,
  itemsOf,
  numberOf,
  type RuntimeValue,
} from './engine-values.js';
import { formatPythonFloat, pythonRepr, pythonStr } from './python-format.js';
import { TemplateRenderError } from '../template-error.js';

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function applySpec(value: RuntimeValue, spec: string): string {
  if (spec === '') return pythonStr(value);
  const match = SPEC.exec(spec);
  if (!match) throw new TemplateRenderError(`Invalid format specifier '${spec}'`, 'ValueError');
  const [, fill = ' ', align, sign, , zero, width, grouping, precision, kind] = match;
  let text: string;
  const numeric = isNumeric(value);
  if (kind === 'f' || kind === 'F' || kind === '%') {
    const number = numberOf(value) * (kind === '%' ? 100 : 1);
    text = number.toFixed(precision === undefined ? 6 : Number(precision)) + (kind === '%' ? '%' : '');
  } else if (kind === 'e' || kind === 'E') {
    text = numberOf(value)
      .toExponential(precision === undefined ? 6 : Number(precision))
      .replace(/e([+-])(\d)$/, 'e$10$2');
    if (kind === 'E') text = text.toUpperCase();
  } else if (kind === 'd' || kind === 'n') {
    text = String(Math.trunc(numberOf(value)));
  } else if (kind === 'x' || kind === 'X' || kind === 'o' || kind === 'b') {
    const radix = kind === 'o' ? 8 : kind === 'b' ? 2 : 16;
    text = Math.trunc(numberOf(value)).toString(radix);
    if (kind === 'X') text = text.toUpperCase();
  } else if (numeric && precision !== undefined && value.type === 'FloatValue') {
    text = numberOf(value).toPrecision(Number(precision));
  } else {
    text = value.type === 'FloatValue' ? formatPythonFloat(numberOf(value)) : pythonStr(value);
    if (precision !== undefined && isString(value)) text = text.slice(0, Number(precision));
  }
  if (grouping && numeric) {
    const [whole = '', fraction] = text.split('.');
    text = whole.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (fraction === undefined ? '' : `.${fraction}`);
  }
  if (sign === '+' && numeric && !text.startsWith('-')) text = `+${text}`;
  if (sign === ' ' && numeric && !text.startsWith('-')) text = ` ${text}`;
  const targetWidth = width === undefined ? 0 : Number(width);
  if (text.length >= targetWidth) return text;
  const padding = targetWidth - text.length;
  const effectiveAlign = align ?? (zero ? '=' : numeric ? '>' : '<');
  const padFill = align === undefined && zero ? '0' : fill;
  switch (effectiveAlign) {
    case '<':
      return text + padFill.repeat(padding);
    case '>':
      return padFill.repeat(padding) + text;
    case '^':
      return padFill.repeat(Math.floor(padding / 2)) + text + padFill.repeat(Math.ceil(padding / 2));
    default: {
      const signText = /^[-+ ]/.test(text) ? text[0]! : '';
      return signText + padFill.repeat(padding) + text.slice(signText.length);
    }
  }
}

function resolveField(
  field: string,
  positional: RuntimeValue[],
  keywords: Map<string, RuntimeValue>,
  nextIndex: () => number,
): RuntimeValue {
  const match = /^([^.[]*)(.*)$/s.exec(field)!;
  const head = match[1] ?? '';
  let value: RuntimeValue | undefined;
  if (head === '') value = positional[nextIndex()];
  else if (/^\d+$/.test(head)) value = positional[Number(head)];
  else value = keywords.get(head);
  if (value === undefined) {
    const byIndex = head === '' || /^\d+$/.test(head);
    throw new TemplateRenderError(
      byIndex ? 'Replacement index out of range' : `'${head}'`,
      byIndex ? 'IndexError' : 'KeyError',
    );
  }
  for (const [, attribute, key] of (match[2] ?? '').matchAll(/\.([^.[]+)|\[([^\]]+)\]/g)) {
    const name = attribute ?? key ?? '';
    let next: RuntimeValue | undefined;
    if (isDict(value)) next = entriesOf(value).get(name);
    else if (isList(value) && /^\d+$/.test(name)) next = itemsOf(value)[Number(name)];
    if (next === undefined) throw new TemplateRenderError(`'${name}'`, 'KeyError');
    value = next;
  }
  return value;
}

/** Python's `str.format(*args, **kwargs)`. */
export function formatBraces(format: string, positional: RuntimeValue[], keywords: Map<string, RuntimeValue>): string {
  let automatic = 0;
  const nextIndex = (): number => automatic++;
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (token, inner: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    const [, field = '', conversion, spec = ''] = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(inner ?? '') ?? [];
    const value = resolveField(field, positional, keywords, nextIndex);
    if (conversion === 'r' || conversion === 'a') return applySpec(createString(pythonRepr(value)), spec);
    return applySpec(value, spec);
  });
}
