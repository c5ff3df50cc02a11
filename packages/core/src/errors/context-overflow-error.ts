import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** The input does not fit in the context (`ERR_CONTEXT_OVERFLOW`). The numbers come from the engine. */
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
brandError(ContextOverflowError, '@gpt4all/core:ContextOverflowError');
