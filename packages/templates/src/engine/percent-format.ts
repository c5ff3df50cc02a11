import {
  createMarkup,
  entriesOf,
  isDict,
  isMarkup,
  isNumeric,
  isString,
  isTuple,
  itemsOf,
  numberOf,
  type RuntimeValue,
} from './engine-values.js';
import { pythonRepr, pythonStr } from './python-format.js';
import { TemplateRenderError } from '../template-error.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** markupsafe's escape(): the five HTML-special characters. */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** A value as markupsafe sees it when mixed into Markup: plain strings are escaped. */
export function escapeForMarkup(value: RuntimeValue): RuntimeValue {
  return isString(value) && !isMarkup(value) ? createMarkup(htmlEscape(value.value as string)) : value;
}

const SPECIFIER = /%(?:\(([^)]*)\))?([-+ #0]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

function pad(text: string, flags: string, width: number | undefined): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && /^[-+]?\d/.test(text)) {
    const sign = /^[-+]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function number(value: RuntimeValue, conversion: string): number {
  if (!isNumeric(value)) {
    throw new TemplateRenderError(`%${conversion} format: a real number is required`, 'TypeError');
  }
  return numberOf(value);
}

/** Python's printf-style `'format' % values`, for the conversions templates use. */
export function formatPercent(format: string, values: RuntimeValue): string {
  const positional = isTuple(values) ? itemsOf(values) : [values];
  const mapping = isDict(values) ? entriesOf(values) : undefined;
  let nextIndex = 0;
  const take = (key: string | undefined): RuntimeValue => {
    if (key !== undefined) {
      const found = mapping?.get(key);
      if (found === undefined) throw new TemplateRenderError(`'${key}'`, 'KeyError');
      return found;
    }
    const found = positional[nextIndex++];
    if (found === undefined) throw new TemplateRenderError('not enough arguments for format string', 'TypeError');
    return found;
  };
  const result = format.replace(
    SPECIFIER,
    (_match, key: string | undefined, flags: string, width, precision, conversion: string) => {
      if (conversion === '%') return '%';
      const widthValue = width === '*' ? numberOf(take(undefined)) : width === undefined ? undefined : Number(width);
      const value = take(key);
      const digits = precision === undefined ? undefined : Number(precision);
      let text: string;
      switch (conversion) {
        case 's':
          text = pythonStr(value);
          if (digits !== undefined) text = text.slice(0, digits);
          break;
        case 'r':
        case 'a':
          text = pythonRepr(value);
          break;
        case 'd':
        case 'i':
        case 'u':
          text = String(Math.trunc(number(value, conversion)));
          break;
        case 'x':
        case 'X': {
          const hex = Math.trunc(number(value, conversion)).toString(16);
          text = conversion === 'X' ? hex.toUpperCase() : hex;
          break;
        }
        case 'o':
          text = Math.trunc(number(value, conversion)).toString(8);
          break;
        case 'c':
          text = String.fromCodePoint(number(value, conversion));
          break;
        case 'e':
        case 'E':
          text = number(value, conversion)
            .toExponential(digits ?? 6)
            .replace(/e([+-])(\d)$/, 'e$10$2');
          if (conversion === 'E') text = text.toUpperCase();
          break;
        default:
          text = number(value, conversion).toFixed(digits ?? 6);
      }
      if (flags.includes('+') && /^\d/.test(text) && 'diufFeE'.includes(conversion)) text = `+${text}`;
      return pad(text, flags, widthValue);
    },
  );
  if (mapping === undefined && nextIndex < positional.length && isTuple(values)) {
    throw new TemplateRenderError('not all arguments converted during string formatting', 'TypeError');
  }
  return result;
}
