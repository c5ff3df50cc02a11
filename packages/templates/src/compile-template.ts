import { Environment } from './engine/jinja-engine.js';
import {
  createBoolean,
  createDict,
  createFunction,
  createInteger,
  createList,
  createNone,
  createString,
  entriesOf,
  isKeywordArguments,
  toRuntimeValue,
  type RuntimeValue,
} from './engine/engine-values.js';
import { transformProgram, type AstNode } from './engine/program-transform.js';
import { parseTemplate, locateName } from './engine/syntax-errors.js';
import { PythonInterpreter } from './engine/python-interpreter.js';
import { RenderBudget, type RenderLimits } from './engine/render-budget.js';
import { findFilter } from './engine/jinja-filters.js';
import { findTest } from './engine/jinja-tests.js';
import { CallArguments } from './engine/call-arguments.js';
import { pythonStr } from './engine/python-format.js';
import { strftime } from './strftime.js';
import { TemplateError, TemplateLimitError, TemplateRenderError, TemplateSyntaxError } from './template-error.js';

/** Options for one render. */
export interface RenderOptions extends RenderLimits {
  /** The date `strftime_now` formats (local time). Defaults to the current time. */
  now?: Date;
}

/** A parsed template that can be rendered many times. */
export interface CompiledTemplate {
  /** The template's source text. */
  readonly source: string;
  /**
   * Renders with the given variables (plain JSON-like data; `Map`s keep
   * integer-like keys in insertion order).
   * @throws {@link TemplateError} subclasses; never anything else.
   */
  render(variables: Record<string, unknown>, options?: RenderOptions): string;
}

function rangeFunction(budget: RenderBudget): RuntimeValue {
  return createFunction((args) => {
    const call = new CallArguments('range', args);
    const first = call.number(0, 'start', 0);
    const second = call.number(1, 'stop');
    const step = call.number(2, 'step', 1);
    const [start, stop] = second === undefined ? [0, first] : [first, second];
    if (step === 0) throw new TemplateRenderError('range() arg 3 must not be zero', 'ValueError');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    // Reserve before building: range(10**12) must fail fast, not allocate.
    budget.reserve(count);
    return createList(Array.from({ length: count }, (_, index) => createInteger(start + index * step)));
  });
}

function globals(budget: RenderBudget, now: Date): Map<string, RuntimeValue> {
  return new Map<string, RuntimeValue>([
    ['true', createBoolean(true)],
    ['false', createBoolean(false)],
    ['none', createNone()],
    ['True', createBoolean(true)],
    ['False', createBoolean(false)],
    ['None', createNone()],
    ['range', rangeFunction(budget)],
    [
      'raise_exception',
      createFunction((args) => {
        throw new TemplateError(args[0] === undefined ? '' : pythonStr(args[0]), { code: 'ERR_TEMPLATE_RAISED' });
      }),
    ],
    [
      'strftime_now',
      createFunction((args) =>
        createString(strftime(now, new CallArguments('strftime_now', args).string(0, 'format', ''))),
      ),
    ],
    [
      'dict',
      createFunction((args) => {
        const last = args.at(-1);
        return createDict(last !== undefined && isKeywordArguments(last) ? new Map(entriesOf(last)) : new Map());
      }),
    ],
  ]);
}

function toTemplateError(error: unknown): TemplateError {
  if (TemplateError.isInstance(error)) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new TemplateLimitError('depth', 'Template recursion is too deep');
  }
  if (error instanceof RangeError && /string length|array length/i.test(error.message)) {
    return new TemplateLimitError('output', 'Template output is too large');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateRenderError(message, 'TemplateError', { cause: error });
}

/**
 * Parses a Jinja chat template once, for repeated rendering with Python jinja2
 * semantics (trim_blocks, lstrip_blocks, transformers' helpers).
 * @throws {@link TemplateSyntaxError} with `line` and `column` when the template cannot be parsed.
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (typeof source !== 'string')
    throw new TemplateError('A template must be a string', { code: 'ERR_TEMPLATE_INVALID' });
  const program = parseTemplate(source);
  const unknown = transformProgram(program as unknown as AstNode, {
    isKnownFilter: (name) => findFilter(name) !== undefined,
    isKnownTest: (name) => findTest(name) !== undefined,
  });
  if (unknown) {
    throw new TemplateSyntaxError(
      `No ${unknown.kind} named '${unknown.name}'.`,
      locateName(source, unknown.kind, unknown.name) ?? {},
    );
  }
  return {
    source,
    render(variables, options = {}) {
      const budget = new RenderBudget(options);
      const environment = new Environment();
      for (const [name, value] of globals(budget, options.now ?? new Date())) environment.variables.set(name, value);
      try {
        for (const [name, value] of Object.entries(variables)) {
          if (value !== undefined) environment.variables.set(name, toRuntimeValue(value));
        }
        const interpreter = new PythonInterpreter(environment, budget);
        return interpreter.run(program).value as string;
      } catch (error) {
        throw toTemplateError(error);
      }
    },
  };
}
