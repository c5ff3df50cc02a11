import {
  createString,
  drainGenerator,
  entriesOf,
  isDict,
  isGenerator,
  isList,
  isString,
  isUndefined,
  itemsOf,
  keyValue,
  stringOf,
  type RuntimeValue,
} from './engine-values.js';
import { pythonTypeName } from './python-operators.js';
import { TemplateRenderError } from '../template-error.js';

/** Python's `list(value)`: characters of a string, keys of a dict, nothing for undefined. */
export function iterate(value: RuntimeValue): RuntimeValue[] {
  if (isGenerator(value)) return drainGenerator(value);
  if (isList(value)) return itemsOf(value);
  if (isString(value)) return [...stringOf(value)].map(createString);
  if (isDict(value)) return [...entriesOf(value).keys()].map(keyValue);
  if (isUndefined(value)) return [];
  throw new TemplateRenderError(`'${pythonTypeName(value)}' object is not iterable`, 'TypeError');
}

/** Python's `len(value)`; undefined counts as empty, as in jinja2. */
export function lengthOf(value: RuntimeValue): number {
  if (isGenerator(value)) throw new TemplateRenderError("object of type 'generator' has no len()", 'TypeError');
  if (isString(value)) return [...stringOf(value)].length;
  if (isList(value)) return itemsOf(value).length;
  if (isDict(value)) return entriesOf(value).size;
  if (isUndefined(value)) return 0;
  throw new TemplateRenderError(`object of type '${pythonTypeName(value)}' has no len()`, 'TypeError');
}
