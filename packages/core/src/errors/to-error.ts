import { BackendError } from './backend-error.js';
import { ContextOverflowError } from './context-overflow-error.js';
import { Gpt4AllError, type Gpt4AllErrorCode } from './gpt4all-error.js';
import { ModelLoadError, type ModelLoadErrorCode } from './model-load-error.js';

const modelLoadCodes = new Set<string>([
  'ERR_MODEL_NOT_FOUND',
  'ERR_NOT_GGUF',
  'ERR_INVALID_GGUF',
  'ERR_UNSUPPORTED_ARCH',
  'ERR_MODEL_LOAD',
  'ERR_VOCAB_ONLY',
]);

/**
 * The one place where native failures become typed errors. The addon reports `{ code, message }`
 * (as event data, or as the `code` of a thrown `Error`); anything without a known code is
 * passed through unchanged.
 */
export function toError(error: unknown, context: { path?: string } = {}): unknown {
  if (Gpt4AllError.isInstance(error)) return error;
  if (typeof error !== 'object' || error === null) return error;
  const { code, message, tokens, contextSize } = error as { code?: unknown; message?: unknown; tokens?: unknown; contextSize?: unknown };
  if (typeof code !== 'string' || !code.startsWith('ERR_')) return error;
  const text = typeof message === 'string' ? message : code;
  if (modelLoadCodes.has(code)) return new ModelLoadError(code as ModelLoadErrorCode, text, context.path ?? '');
  if (code === 'ERR_CONTEXT_OVERFLOW') {
    // The numbers come from the engine's typed error (crates/node/src/worker.rs).
    const count = (n: unknown) => (typeof n === 'number' ? n : undefined);
    return new ContextOverflowError(text, count(tokens), count(contextSize));
  }
  if (code === 'ERR_NO_BACKEND') return new BackendError(code, text);
  return new Gpt4AllError(code as Gpt4AllErrorCode, text);
}

/** Runs a synchronous native call, turning what it throws into a typed error. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toError(error);
  }
}
