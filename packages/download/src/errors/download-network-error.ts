import { GPT4AllError, type GPT4AllErrorOptions } from './gpt4all-error.js';

/** The connection kept failing (reset, timeout, refused...) until retries ran out. */
export class DownloadNetworkError extends GPT4AllError {
  static override readonly code = 'ERR_DOWNLOAD_NETWORK';
  /** URL being downloaded. */
  readonly url: string;
  /** Number of attempts made. */
  readonly attempts: number;

  constructor(init: { url: string; attempts: number; reason: string }, options?: GPT4AllErrorOptions) {
    super(`download of ${init.url} failed after ${init.attempts} attempt(s): ${init.reason}`, options);
    this.url = init.url;
    this.attempts = init.attempts;
  }
}
