import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/**
 * The operation was cancelled (`cancel()` or an `AbortSignal`). A download's
 * `.part` file is kept so that the next call resumes it. `name` is
 * `AbortError`, like the platform's abort errors.
 */
export class AbortedError extends DownloadError {
  static override readonly code = 'ERR_ABORTED';

  constructor(message = 'The operation was aborted', options?: DownloadErrorOptions) {
    super(message, options);
    this.name = 'AbortError';
  }
}
brandError(AbortedError, '@gpt4all/download:AbortedError');
