import { Gpt4AllError, brandError } from '@gpt4all/errors';
import type { EngineErrorCode } from '../native/contract.js';

/** The engine's codes for a model file that could not be loaded. */
export const MODEL_LOAD_ERROR_CODES = [
  'ERR_MODEL_NOT_FOUND',
  'ERR_NOT_GGUF',
  'ERR_INVALID_GGUF',
  'ERR_UNSUPPORTED_ARCH',
  'ERR_MODEL_LOAD',
  'ERR_VOCAB_ONLY',
] as const satisfies readonly EngineErrorCode[];

/** Codes of {@link ModelLoadError}. */
export type ModelLoadErrorCode = (typeof MODEL_LOAD_ERROR_CODES)[number];

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
