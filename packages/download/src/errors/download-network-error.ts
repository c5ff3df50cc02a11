import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** The connection kept failing (reset, timeout, refused...) until retries ran out. */
export class DownloadNetworkError extends DownloadError {
  static override readonly code = 'ERR_DOWNLOAD_NETWORK';
  /** URL being downloaded. */
  readonly url: string;
  /** Number of attempts made. */
  readonly attempts: number;

  constructor(init: { url: string; attempts: number; reason: string }, options?: DownloadErrorOptions) {
    super(`download of ${init.url} failed after ${init.attempts} attempt(s): ${init.reason}`, options);
    this.url = init.url;
    this.attempts = init.attempts;
  }
}
brandError(DownloadNetworkError, '@gpt4all/download:DownloadNetworkError');
