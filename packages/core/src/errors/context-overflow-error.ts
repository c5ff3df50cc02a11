import { Gpt4AllError } from './gpt4all-error.js';

/** The input does not fit in the context (`ERR_CONTEXT_OVERFLOW`). */
export class ContextOverflowError extends Gpt4AllError<'ERR_CONTEXT_OVERFLOW'> {
  /** How many tokens the input needs, when known. */
  readonly tokens: number | undefined;
  /** How many tokens the context holds, when known. */
  readonly contextSize: number | undefined;

  constructor(message: string, tokens?: number, contextSize?: number) {
    super('ERR_CONTEXT_OVERFLOW', message);
    this.name = 'ContextOverflowError';
    this.tokens = tokens;
    this.contextSize = contextSize;
  }
}
