import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** A GBNF grammar does not parse, or uses a rule it does not define (`ERR_GRAMMAR_INVALID`). */
export class GrammarError extends Gpt4AllError<'ERR_GRAMMAR_INVALID'> {
  /** Byte offset of the problem in the grammar's UTF-8 text. */
  readonly offset: number | undefined;
  /** Line of the problem, from 1. */
  readonly line: number | undefined;
  /** Column of the problem in characters, from 1. */
  readonly column: number | undefined;

  constructor(message: string, position: { offset?: number; line?: number; column?: number } = {}) {
    super('ERR_GRAMMAR_INVALID', message);
    this.name = 'GrammarError';
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }
}
brandError(GrammarError, '@gpt4all/core:GrammarError');
