import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/**
 * Another process took over this download's lock (it judged the lock stale),
 * so this process stops instead of committing a file it no longer owns.
 */
export class LockLostError extends DownloadError {
  static override readonly code = 'ERR_LOCK_LOST';
  /** The lock file. */
  readonly lockPath: string;

  constructor(init: { lockPath: string }, options?: DownloadErrorOptions) {
    super(`Lost the download lock ${init.lockPath} to another process`, options);
    this.lockPath = init.lockPath;
  }
}
brandError(LockLostError, '@gpt4all/download:LockLostError');
