const brand = Symbol.for('gpt4all.error');

/** Every stable error code that `@gpt4all/core` throws. */
export type Gpt4AllErrorCode =
  | 'ERR_MODEL_NOT_FOUND'
  | 'ERR_NOT_GGUF'
  | 'ERR_INVALID_GGUF'
  | 'ERR_UNSUPPORTED_ARCH'
  | 'ERR_MODEL_LOAD'
  | 'ERR_VOCAB_ONLY'
  | 'ERR_CONTEXT_OVERFLOW'
  | 'ERR_CONTEXT_CREATE'
  | 'ERR_CONTEXT_BUSY'
  | 'ERR_DECODE'
  | 'ERR_ABORTED'
  | 'ERR_DISPOSED'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_QUANTIZE'
  | 'ERR_IO'
  | 'ERR_BACKEND_UNKNOWN'
  | 'ERR_BACKEND_NOT_INSTALLED'
  | 'ERR_BACKEND_UNSUPPORTED'
  | 'ERR_BACKEND_MISMATCH'
  | 'ERR_NO_BACKEND'
  | 'ERR_INTERNAL';

/**
 * The base of every error `@gpt4all/core` throws. Branch on {@link Gpt4AllError.code}, which is
 * stable across versions; messages are for people and may change.
 */
export class Gpt4AllError<Code extends string = Gpt4AllErrorCode> extends Error {
  /** The stable code, such as `ERR_NOT_GGUF`. Packages built on this one add codes of their own. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'Gpt4AllError';
  }

  /**
   * Whether `error` is a GPT4All error. Unlike `instanceof`, this also holds for errors thrown
   * by another copy of the package (duplicate installs).
   */
  static isInstance(error: unknown): error is Gpt4AllError<string> {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[brand] === true;
  }
}

Object.defineProperty(Gpt4AllError.prototype, brand, { value: true });
