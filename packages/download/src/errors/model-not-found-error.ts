import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** Why a model could not be provided. */
export type ModelNotFoundReason = 'download-disabled' | 'not-in-catalog' | 'missing-file' | 'not-on-hub';

/** The model is neither on disk nor downloadable. The message says where it looked. */
export class ModelNotFoundError extends DownloadError {
  static override readonly code = 'ERR_MODEL_NOT_FOUND';
  /** Name or filename that was asked for. */
  readonly model: string;
  /** Absolute paths that were checked, in order. */
  readonly searchedPaths: readonly string[];
  /** Why no file could be provided. */
  readonly reason: ModelNotFoundReason;

  constructor(
    init: { model: string; searchedPaths: readonly string[]; reason: ModelNotFoundReason; hint?: string },
    options?: DownloadErrorOptions,
  ) {
    const where = init.searchedPaths.length > 0 ? ` Looked for: ${init.searchedPaths.join(', ')}.` : '';
    super(`Model "${init.model}" not found.${where}${init.hint ? ` ${init.hint}` : ''}`, options);
    this.model = init.model;
    this.searchedPaths = init.searchedPaths;
    this.reason = init.reason;
  }
}
brandError(ModelNotFoundError, '@gpt4all/download:ModelNotFoundError');
