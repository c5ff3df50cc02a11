import { Gpt4AllError, brandError } from '@gpt4all/errors';
import type { ModelLoadErrorCode } from '../native/contract.js';

export type { ModelLoadErrorCode };

/** A model file could not be loaded: missing, not GGUF, corrupt, or of an unknown architecture. */
export class ModelLoadError extends Gpt4AllError<ModelLoadErrorCode> {
  /** The file that failed to load. */
  readonly path: string;

  constructor(code: ModelLoadErrorCode, message: string, path: string) {
    super(code, message);
    this.name = 'ModelLoadError';
    this.path = path;
  }
}
brandError(ModelLoadError, '@gpt4all/core:ModelLoadError');
