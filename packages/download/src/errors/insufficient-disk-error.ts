import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** Not enough free space for the remaining bytes of a download. Checked before any byte is fetched. */
export class InsufficientDiskError extends DownloadError {
  static override readonly code = 'ERR_INSUFFICIENT_DISK';
  /** Bytes still needed. */
  readonly requiredBytes: number;
  /** Bytes available to this user on the file system. */
  readonly availableBytes: number;
  /** Directory that was checked. */
  readonly directory: string;

  constructor(init: { requiredBytes: number; availableBytes: number; directory: string }, options?: DownloadErrorOptions) {
    super(
      `Not enough disk space in ${init.directory}: need ${init.requiredBytes} bytes, ${init.availableBytes} available`,
      options,
    );
    this.requiredBytes = init.requiredBytes;
    this.availableBytes = init.availableBytes;
    this.directory = init.directory;
  }
}
brandError(InsufficientDiskError, '@gpt4all/download:InsufficientDiskError');
