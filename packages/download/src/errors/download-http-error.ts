import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** The server answered with an HTTP status that is not a success, after retries where they apply. */
export class DownloadHttpError extends DownloadError {
  static override readonly code = 'ERR_DOWNLOAD_HTTP';
  /** HTTP status code, e.g. 404. */
  readonly status: number;
  /** URL that answered with `status` (after redirects). */
  readonly url: string;
  /** Number of attempts made. */
  readonly attempts: number;

  constructor(init: { status: number; url: string; attempts: number; detail?: string }, options?: DownloadErrorOptions) {
    super(
      `HTTP ${init.status} from ${init.url}` +
        (init.detail ? ` (${init.detail})` : '') +
        (init.attempts > 1 ? ` after ${init.attempts} attempts` : ''),
      options,
    );
    this.status = init.status;
    this.url = init.url;
    this.attempts = init.attempts;
  }
}
brandError(DownloadHttpError, '@gpt4all/download:DownloadHttpError');
