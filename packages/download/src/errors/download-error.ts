import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** Options accepted by every download error constructor. */
export interface DownloadErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of all errors thrown by `@gpt4all/download`: a {@link Gpt4AllError} whose stable
 * `code` is its class's static `code`. Use the static `isInstance` of a class instead of
 * `instanceof`: it also holds for errors of another copy of the package, and it is exact
 * (`DownloadError.isInstance()` is false for an engine or template error).
 */
export class DownloadError extends Gpt4AllError<string> {
  /** Stable code of this error class; subclasses override it. */
  static readonly code: string = 'ERR_DOWNLOAD';

  constructor(message: string, options: DownloadErrorOptions = {}) {
    super((new.target as typeof DownloadError).code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}
brandError(DownloadError, '@gpt4all/download:DownloadError');
