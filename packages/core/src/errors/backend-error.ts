import { Gpt4AllError, brandError } from '@gpt4all/errors';
import type { Gpt4AllErrorCode } from './error-code.js';

/** Codes of {@link BackendError}. */
export type BackendErrorCode = Extract<
  Gpt4AllErrorCode,
  'ERR_BACKEND_UNKNOWN' | 'ERR_BACKEND_NOT_INSTALLED' | 'ERR_BACKEND_UNSUPPORTED' | 'ERR_BACKEND_MISMATCH' | 'ERR_NO_BACKEND'
>;

/** No native variant could be used: unknown, not installed, unsupported by this machine, or of another version. */
export class BackendError extends Gpt4AllError<BackendErrorCode> {
  /** The variant concerned, such as `cpu-avx2`, when there is one. */
  readonly variant: string | undefined;
  /** The npm package that would provide it, when there is one. */
  readonly packageName: string | undefined;

  constructor(code: BackendErrorCode, message: string, details: { variant?: string; packageName?: string } = {}) {
    super(code, message);
    this.name = 'BackendError';
    this.variant = details.variant;
    this.packageName = details.packageName;
  }
}
brandError(BackendError, '@gpt4all/core:BackendError');
