import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** A model filename would escape the model directory (`../x`, `/abs`, `C:\x`...) or is not a plain file name. */
export class UnsafeFilenameError extends DownloadError {
  static override readonly code = 'ERR_UNSAFE_FILENAME';
  /** The rejected filename, as given. */
  readonly filename: string;
  /** Short reason, e.g. `contains a path separator`. */
  readonly reason: string;

  constructor(init: { filename: string; reason: string }, options?: DownloadErrorOptions) {
    super(`Unsafe model filename ${JSON.stringify(init.filename)}: ${init.reason}`, options);
    this.filename = init.filename;
    this.reason = init.reason;
  }
}
brandError(UnsafeFilenameError, '@gpt4all/download:UnsafeFilenameError');
