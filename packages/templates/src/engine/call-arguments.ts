import {
  entriesOf,
  isBoolean,
  isKeywordArguments,
  isNone,
  isNumeric,
  isString,
  isUndefined,
  numberOf,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { TemplateRenderError } from '../template-error.js';
import { pythonTypeName } from './python-operators.js';

/**
 * Positional and keyword arguments of a call, read Python-style: each parameter
 * by position or by name, with a default.
 */
export class CallArguments {
  readonly positional: RuntimeValue[];
  readonly keywords: Map<string, RuntimeValue>;

  constructor(
    readonly callee: string,
    args: RuntimeValue[],
  ) {
    const last = args.at(-1);
    if (last !== undefined && isKeywordArguments(last)) {
      this.positional = args.slice(0, -1);
      this.keywords = entriesOf(last);
    } else {
      this.positional = args;
      this.keywords = new Map();
    }
  }

  /** The argument at `index` or named `name`, if given. */
  get(index: number, name: string): RuntimeValue | undefined {
    return this.positional[index] ?? this.keywords.get(name);
  }

  /** A string argument; `fallback` when absent or None. */
  string(index: number, name: string, fallback: string): string;
  string(index: number, name: string, fallback?: string): string | undefined;
  string(index: number, name: string, fallback?: string): string | undefined {
    const value = this.get(index, name);
    if (value === undefined || isNone(value) || isUndefined(value)) return fallback;
    if (!isString(value)) {
      throw new TemplateRenderError(
        `${this.callee}() argument '${name}' must be str, not ${pythonTypeName(value)}`,
        'TypeError',
      );
    }
    return stringOf(value);
  }

  /** A numeric argument; `fallback` when absent or None. */
  number(index: number, name: string, fallback: number): number;
  number(index: number, name: string, fallback?: number): number | undefined;
  number(index: number, name: string, fallback?: number): number | undefined {
    const value = this.get(index, name);
    if (value === undefined || isNone(value) || isUndefined(value)) return fallback;
    if (!isNumeric(value)) {
      throw new TemplateRenderError(
        `${this.callee}() argument '${name}' must be a number, not ${pythonTypeName(value)}`,
        'TypeError',
      );
    }
    return numberOf(value);
  }

  /** A boolean-ish argument (Python truthiness of numbers and booleans). */
  boolean(index: number, name: string, fallback: boolean): boolean {
    const value = this.get(index, name);
    if (value === undefined || isUndefined(value)) return fallback;
    if (isBoolean(value) || isNumeric(value)) return Boolean(value.value);
    return value.__bool__().value;
  }
}
