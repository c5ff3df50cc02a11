import { GPT4AllError, type GPT4AllErrorOptions } from './gpt4all-error.js';

/**
 * The operation was cancelled (`cancel()` or an `AbortSignal`). A download's
 * `.part` file is kept so that the next call resumes it. `name` is
 * `AbortError`, like the platform's abort errors.
 */
export class AbortedError extends GPT4AllError {
  static override readonly code = 'ERR_ABORTED';

  constructor(message = 'The operation was aborted', options?: GPT4AllErrorOptions) {
    super(message, options);
    this.name = 'AbortError';
  }
}
