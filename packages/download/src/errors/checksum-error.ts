import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** What was compared: the byte size or a digest. */
export type ChecksumKind = 'size' | 'md5' | 'sha256';

/**
 * The downloaded (or local) file does not match the expected size or digest.
 * When thrown by a download, the bad file has already been deleted.
 */
export class ChecksumError extends DownloadError {
  static override readonly code = 'ERR_CHECKSUM_MISMATCH';
  /** `size`, `md5` or `sha256`. */
  readonly algorithm: ChecksumKind;
  /** Expected value (lower-case hex digest, or a decimal byte count for `size`). */
  readonly expected: string;
  /** Actual value, in the same format as `expected`. */
  readonly actual: string;
  /** File that was checked. */
  readonly path: string;

  constructor(
    init: { algorithm: ChecksumKind; expected: string; actual: string; path: string },
    options?: DownloadErrorOptions,
  ) {
    super(
      `${init.algorithm} mismatch for ${init.path}: expected ${init.expected}, got ${init.actual}`,
      options,
    );
    this.algorithm = init.algorithm;
    this.expected = init.expected;
    this.actual = init.actual;
    this.path = init.path;
  }
}
brandError(ChecksumError, '@gpt4all/download:ChecksumError');
