import {
  isBoolean,
  isDict,
  isFloat,
  isFunction,
  isInteger,
  isList,
  isNone,
  isNumeric,
  isString,
  isUndefined,
  numberOf,
  type RuntimeValue,
} from './engine-values.js';
import { pythonCompare, pythonContains, pythonEquals } from './python-operators.js';
import { pythonStr } from './python-format.js';
import { TemplateRenderError } from '../template-error.js';

/** A Jinja test: `value is name(arguments…)`. */
export type JinjaTest = (value: RuntimeValue, args: RuntimeValue[]) => boolean;

const argument = (args: RuntimeValue[], test: string): RuntimeValue => {
  const value = args[0];
  if (value === undefined) throw new TemplateRenderError(`test '${test}' needs an argument`, 'TypeError');
  return value;
};

function integerOf(value: RuntimeValue, test: string): number {
  if (!isNumeric(value)) throw new TemplateRenderError(`test '${test}' needs a number`, 'TypeError');
  return numberOf(value);
}

const isCasedText = (text: string): boolean => text.toLowerCase() !== text.toUpperCase();

/** jinja2's built-in tests, with Python's type rules (bool is a number, undefined is iterable). */
export const JINJA_TESTS: ReadonlyMap<string, JinjaTest> = new Map<string, JinjaTest>([
  ['defined', (value) => !isUndefined(value)],
  ['undefined', (value) => isUndefined(value)],
  ['none', (value) => isNone(value)],
  ['boolean', (value) => isBoolean(value)],
  ['false', (value) => isBoolean(value) && value.value === false],
  ['true', (value) => isBoolean(value) && value.value === true],
  ['integer', (value) => isInteger(value)],
  ['float', (value) => isFloat(value)],
  ['number', (value) => isNumeric(value)],
  ['string', (value) => isString(value)],
  ['mapping', (value) => isDict(value)],
  ['iterable', (value) => isString(value) || isList(value) || isDict(value) || isUndefined(value)],
  ['sequence', (value) => isString(value) || isList(value) || isDict(value) || isUndefined(value)],
  ['callable', (value) => isFunction(value)],
  ['escaped', () => false],
  ['odd', (value) => Math.abs(integerOf(value, 'odd') % 2) === 1],
  ['even', (value) => integerOf(value, 'even') % 2 === 0],
  [
    'divisibleby',
    (value, args) => integerOf(value, 'divisibleby') % integerOf(argument(args, 'divisibleby'), 'divisibleby') === 0,
  ],
  [
    'lower',
    (value) => {
      const text = pythonStr(value);
      return isCasedText(text) && text === text.toLowerCase();
    },
  ],
  [
    'upper',
    (value) => {
      const text = pythonStr(value);
      return isCasedText(text) && text === text.toUpperCase();
    },
  ],
  [
    'sameas',
    (value, args) => {
      const other = argument(args, 'sameas');
      return (
        value === other ||
        (isNone(value) && isNone(other)) ||
        (isBoolean(value) && isBoolean(other) && value.value === other.value)
      );
    },
  ],
  ['in', (value, args) => pythonContains(argument(args, 'in'), value)],
  ['eq', (value, args) => pythonEquals(value, argument(args, 'eq'))],
  ['ne', (value, args) => !pythonEquals(value, argument(args, 'ne'))],
  ['lt', (value, args) => pythonCompare(value, argument(args, 'lt'), '<') < 0],
  ['le', (value, args) => pythonCompare(value, argument(args, 'le'), '<=') <= 0],
  ['gt', (value, args) => pythonCompare(value, argument(args, 'gt'), '>') > 0],
  ['ge', (value, args) => pythonCompare(value, argument(args, 'ge'), '>=') >= 0],
]);

const ALIASES: Record<string, string> = {
  '==': 'eq',
  equalto: 'eq',
  '!=': 'ne',
  '<': 'lt',
  lessthan: 'lt',
  '<=': 'le',
  '>': 'gt',
  greaterthan: 'gt',
  '>=': 'ge',
};

/** Finds a test by name or alias. */
export function findTest(name: string): JinjaTest | undefined {
  return JINJA_TESTS.get(ALIASES[name] ?? name);
}

/** Runs a named test; unknown names fail like jinja2 does at runtime. */
export function runTest(name: string, value: RuntimeValue, args: RuntimeValue[]): boolean {
  const test = findTest(name);
  if (test === undefined) throw new TemplateRenderError(`No test named '${name}' found.`, 'TemplateRuntimeError');
  return test(value, args);
}
