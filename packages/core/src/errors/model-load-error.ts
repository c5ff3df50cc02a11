import { Gpt4AllError, type Gpt4AllErrorCode } from './gpt4all-error.js';

/** Codes of {@link ModelLoadError}. */
export type ModelLoadErrorCode = Extract<
  Gpt4AllErrorCode,
  'ERR_MODEL_NOT_FOUND' | 'ERR_NOT_GGUF' | 'ERR_INVALID_GGUF' | 'ERR_UNSUPPORTED_ARCH' | 'ERR_MODEL_LOAD' | 'ERR_VOCAB_ONLY'
>;

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
