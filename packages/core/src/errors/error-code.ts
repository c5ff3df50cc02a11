import type { EngineErrorCode } from '../native/contract.js';

/**
 * Every stable error code that `@gpt4all/core` throws: the engine's (generated from
 * `crates/core/src/error.rs`) and those of the backend resolver, which runs in JavaScript before
 * any native code loads.
 */
export type Gpt4AllErrorCode =
  | EngineErrorCode
  | 'ERR_BACKEND_UNKNOWN'
  | 'ERR_BACKEND_NOT_INSTALLED'
  | 'ERR_BACKEND_UNSUPPORTED'
  | 'ERR_BACKEND_MISMATCH';
