import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** Stable error codes raised by this package. */
export type TemplateErrorCode =
  | 'ERR_TEMPLATE_SYNTAX'
  | 'ERR_TEMPLATE_RAISED'
  | 'ERR_TEMPLATE_LIMIT'
  | 'ERR_TEMPLATE_RENDER'
  | 'ERR_TEMPLATE_INVALID';

/** Options accepted by {@link TemplateError} and its subclasses. */
export interface TemplateErrorOptions {
  /** The stable code; defaults to the class's own code. */
  code?: TemplateErrorCode;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of every error thrown while compiling or rendering a template.
 *
 * When a template calls `raise_exception(message)`, a `TemplateError` with
 * `code === 'ERR_TEMPLATE_RAISED'` and the template's own message is thrown.
 */
export class TemplateError extends Gpt4AllError<TemplateErrorCode> {
  constructor(message: string, options: TemplateErrorOptions = {}) {
    super(options.code ?? 'ERR_TEMPLATE_RAISED', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TemplateError';
  }
}
brandError(TemplateError, '@gpt4all/templates:TemplateError');

/** A template that cannot be parsed. `line` and `column` are 1-based. */
export class TemplateSyntaxError extends TemplateError {
  declare readonly code: 'ERR_TEMPLATE_SYNTAX';
  /** 1-based line of the offending tag or token, when known. */
  readonly line: number | undefined;
  /** 1-based column of the offending tag or token, when known. */
  readonly column: number | undefined;

  constructor(message: string, location: { line?: number; column?: number } = {}, options: TemplateErrorOptions = {}) {
    const where = location.line === undefined ? '' : ` (line ${location.line}, column ${location.column ?? 1})`;
    super(`${message}${where}`, { ...options, code: 'ERR_TEMPLATE_SYNTAX' });
    this.name = 'TemplateSyntaxError';
    this.line = location.line;
    this.column = location.column;
  }

}
brandError(TemplateSyntaxError, '@gpt4all/templates:TemplateSyntaxError');

/** Which render budget was exhausted. */
export type TemplateLimitKind = 'steps' | 'output' | 'time' | 'depth';

/** Rendering stopped because it exceeded a budget (steps, output size, time or nesting depth). */
export class TemplateLimitError extends TemplateError {
  declare readonly code: 'ERR_TEMPLATE_LIMIT';
  /** The budget that ran out. */
  readonly limit: TemplateLimitKind;

  constructor(limit: TemplateLimitKind, message: string) {
    super(message, { code: 'ERR_TEMPLATE_LIMIT' });
    this.name = 'TemplateLimitError';
    this.limit = limit;
  }

}
brandError(TemplateLimitError, '@gpt4all/templates:TemplateLimitError');

/**
 * Any other failure while rendering: a type error, an undefined value used in an
 * operation, an unknown filter, ... `pythonType` names the exception Python's
 * jinja2 raises in the same situation (e.g. `TypeError`, `UndefinedError`).
 */
export class TemplateRenderError extends TemplateError {
  declare readonly code: 'ERR_TEMPLATE_RENDER';
  /** The Python exception class jinja2 would raise. */
  readonly pythonType: string;

  constructor(message: string, pythonType = 'TemplateError', options: TemplateErrorOptions = {}) {
    super(message, { ...options, code: 'ERR_TEMPLATE_RENDER' });
    this.name = 'TemplateRenderError';
    this.pythonType = pythonType;
  }

}
brandError(TemplateRenderError, '@gpt4all/templates:TemplateRenderError');
