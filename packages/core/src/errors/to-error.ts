import { Gpt4AllError } from '@gpt4all/errors';
import { ENGINE_ERROR_CODES, MODEL_LOAD_ERROR_CODES, type EngineErrorCode, type ModelLoadErrorCode } from '../native/contract.js';
import type { NativeErrorInfo } from '../native/binding.js';
import { BackendError } from './backend-error.js';
import { ContextOverflowError } from './context-overflow-error.js';
import { GrammarError } from './grammar-error.js';
import { RpcError } from './rpc-error.js';
import { SchemaError } from './schema-error.js';
import { ModelLoadError } from './model-load-error.js';

const engineCodes: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);
/** napi-rs's statuses for an argument of the wrong type (`napi_status` names): the caller's mistake. */
const napiArgumentStatuses: ReadonlySet<string> = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'NameExpected',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
  'ArrayBufferExpected',
]);
const modelLoadCodes: ReadonlySet<string> = new Set(MODEL_LOAD_ERROR_CODES);

/**
 * The one place where native failures become typed errors: a `NativeErrorInfo` (an event's
 * error), or an `Error` a synchronous native call threw, whose `code` is the engine's. An
 * argument napi could not convert (a string for a number) is `ERR_INVALID_ARGUMENT`. Anything
 * else (a JavaScript bug) passes through unchanged.
 */
export function toError(error: unknown, context: { path?: string } = {}): unknown {
  if (Gpt4AllError.isInstance(error)) return error;
  if (error instanceof Error && napiArgumentStatuses.has((error as { code?: string }).code ?? '')) {
    return new Gpt4AllError('ERR_INVALID_ARGUMENT', `invalid argument: ${argumentProblem(error.message)}`, { cause: error });
  }
  if (!isEngineError(error)) return error;
  const { code, message, tokens, contextSize, keyword, schemaPath, offset, line, column, endpoint } = error;
  if (modelLoadCodes.has(code)) return new ModelLoadError(code as ModelLoadErrorCode, message, context.path ?? '');
  if (code === 'ERR_CONTEXT_OVERFLOW') return new ContextOverflowError(message, tokens ?? undefined, contextSize ?? undefined);
  if (code === 'ERR_NO_BACKEND') return new BackendError(code, message);
  if (code === 'ERR_SCHEMA_INVALID' || code === 'ERR_SCHEMA_UNSUPPORTED') {
    return new SchemaError(code, message, { keyword: keyword ?? undefined, schemaPath: schemaPath ?? undefined });
  }
  if (code === 'ERR_GRAMMAR_INVALID') {
    return new GrammarError(message, { offset: offset ?? undefined, line: line ?? undefined, column: column ?? undefined });
  }
  // A synchronous call's error carries the code and message only: the worker is in the message
  // (`Error::RpcUnavailable`'s text in crates/core/src/error.rs).
  if (code === 'ERR_RPC_UNAVAILABLE') return new RpcError(message, endpoint ?? /^RPC worker (\S+) unavailable/.exec(message)?.[1]);
  return new Gpt4AllError<EngineErrorCode>(code, message);
}

/** JavaScript's names for the Rust types napi-rs converts options to. */
const jsTypes: Record<string, string> = { f64: 'a number', f32: 'a number', i32: 'a number', u32: 'a number', i64: 'a number', u64: 'a number', bool: 'a boolean', String: 'a string' };

/**
 * napi-rs's conversion failure in the caller's terms: "Failed to convert napi value String into
 * rust type `f64` on NativeGenerateOptions.maxTokens" becomes "maxTokens must be a number, not a
 * string". Other messages are kept as they are.
 */
function argumentProblem(message: string): string {
  const match = /^Failed to convert napi value (\w+) into rust type `(\w+)` on \w+\.(\w+)$/.exec(message);
  if (!match) return message;
  const [, given, rustType, field] = match;
  const wanted = jsTypes[rustType!] ?? `of type ${rustType}`;
  return `${field} must be ${wanted}, not ${/^[AEIOU]/i.test(given!) ? 'an' : 'a'} ${given!.toLowerCase()}`;
}

/** Runs a synchronous native call, turning what it throws into a typed error. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toError(error);
  }
}

function isEngineError(error: unknown): error is NativeErrorInfo {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && engineCodes.has(code) && typeof message === 'string';
}
