import { Gpt4AllError, brandError } from '@gpt4all/errors';

/**
 * The command line asks for something that cannot be done as written: a missing prompt, a
 * `--json-schema` that is not JSON, no model named where one must be. Exits with status 2
 * (`ExitCode.usage`), like commander's own parse errors; never shown with a stack trace.
 */
export class UsageError extends Gpt4AllError<'ERR_USAGE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_USAGE', message, options);
    this.name = 'UsageError';
  }
}
brandError(UsageError, '@gpt4all/cli:UsageError');
