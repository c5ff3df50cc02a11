import { TemplateLimitError } from '../template-error.js';

/** Limits that keep a render from hanging or exhausting memory on any input. */
export interface RenderLimits {
  /** Maximum number of evaluation steps (AST node evaluations). Default 5,000,000. */
  maxSteps?: number;
  /** Maximum length of the output and of any intermediate string or list. Default 16,777,216. */
  maxOutputLength?: number;
  /** Wall-clock limit in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** Maximum nesting of evaluations (deep recursion through macros). Default 1,000. */
  maxDepth?: number;
}

export const DEFAULT_LIMITS: Required<RenderLimits> = {
  maxSteps: 5_000_000,
  maxOutputLength: 16 * 1024 * 1024,
  timeoutMs: 10_000,
  maxDepth: 1_000,
};

/**
 * Rejects a string of `length` characters that a filter is about to build, above the default
 * output limit: filters build their result in one piece (an `indent` or `tojson(indent=...)`
 * with a huge width would take seconds and gigabytes before the render's own size check saw it).
 * @throws {TemplateLimitError} `limit: 'output'`.
 */
export function checkBuiltLength(length: number, what: string): void {
  if (length > DEFAULT_LIMITS.maxOutputLength) {
    throw new TemplateLimitError('output', `${what} would produce more than ${DEFAULT_LIMITS.maxOutputLength} characters`);
  }
}

// Reading the clock on every step would dominate the cost of small steps.
const CLOCK_INTERVAL = 1024;

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/**
 * Counts work during one render. The engine is synchronous, so the only way to
 * stop a runaway template is to check from inside the evaluation itself: every
 * node evaluation calls {@link RenderBudget.step}.
 */
export class RenderBudget {
  readonly limits: Required<RenderLimits>;
  private steps = 0;
  private depth = 0;
  private readonly deadline: number;

  constructor(limits: RenderLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.deadline = now() + this.limits.timeoutMs;
  }

  /** Records one evaluation step and one level of nesting; call {@link leave} when it returns. */
  enter(): void {
    this.steps++;
    this.depth++;
    if (this.steps > this.limits.maxSteps) {
      throw new TemplateLimitError('steps', `Template exceeded ${this.limits.maxSteps} evaluation steps`);
    }
    if (this.depth > this.limits.maxDepth) {
      throw new TemplateLimitError('depth', `Template exceeded a nesting depth of ${this.limits.maxDepth}`);
    }
    if (this.steps % CLOCK_INTERVAL === 0 && now() > this.deadline) {
      throw new TemplateLimitError('time', `Template rendering took longer than ${this.limits.timeoutMs} ms`);
    }
  }

  leave(): void {
    this.depth--;
  }

  /**
   * Records `count` steps of work that evaluates no node, such as the iterations of a loop (a loop
   * with an empty body evaluates nothing per item, yet nested ones can run for hours).
   */
  spend(count: number): void {
    const before = this.steps;
    this.steps += count;
    if (this.steps > this.limits.maxSteps) {
      throw new TemplateLimitError('steps', `Template exceeded ${this.limits.maxSteps} evaluation steps`);
    }
    if (Math.floor(this.steps / CLOCK_INTERVAL) !== Math.floor(before / CLOCK_INTERVAL) && now() > this.deadline) {
      throw new TemplateLimitError('time', `Template rendering took longer than ${this.limits.timeoutMs} ms`);
    }
  }

  /** Rejects strings and lists longer than the output limit. */
  checkSize(length: number): void {
    if (length > this.limits.maxOutputLength) {
      throw new TemplateLimitError(
        'output',
        `Template produced more than ${this.limits.maxOutputLength} characters or items`,
      );
    }
  }

  /** Reserves the work of a loop or list that is about to be built with `count` items. */
  reserve(count: number): void {
    if (this.steps + count > this.limits.maxSteps) {
      throw new TemplateLimitError('steps', `Template exceeded ${this.limits.maxSteps} evaluation steps`);
    }
    this.checkSize(count);
  }
}
