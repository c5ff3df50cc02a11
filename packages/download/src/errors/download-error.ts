/**
 * Brand shared by every GPT4All error class. `Symbol.for` makes the brand
 * identical across duplicate installs of this package (two copies in
 * `node_modules`), where `instanceof` would fail.
 */
export const GPT4ALL_ERROR_BRAND: unique symbol = Symbol.for('gpt4all.error');

/** Options accepted by every GPT4All error constructor. */
export interface DownloadErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of all errors thrown by `@gpt4all/download`. It carries the same brand as
 * `@gpt4all/core`'s `Gpt4AllError`, so `Gpt4AllError.isInstance()` recognises these errors too.
 *
 * Every error has a stable `code` string. Use the static `isInstance` of a
 * class instead of `instanceof`: it matches by brand and code, so it also
 * works when several copies of the package are loaded.
 */
export class DownloadError extends Error {
  /** Stable code of this error class; subclasses override it. */
  static readonly code: string = 'ERR_GPT4ALL';

  /** Stable machine-readable code, e.g. `ERR_CHECKSUM_MISMATCH`. */
  readonly code: string;

  declare readonly [GPT4ALL_ERROR_BRAND]: true;

  constructor(message: string, options: DownloadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as typeof DownloadError).code;
    // Non-enumerable so that the brand does not show up in logs or JSON.
    Object.defineProperty(this, GPT4ALL_ERROR_BRAND, { value: true });
  }

  /**
   * True when `value` is an error of this class (matched by brand and code),
   * whichever copy of the package created it. On `DownloadError` itself, any
   * branded error matches.
   */
  static isInstance<T>(this: { readonly code: string; readonly prototype: T }, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[GPT4ALL_ERROR_BRAND] !== true) return false;
    if (this === (DownloadError as unknown)) return true;
    return (value as { code?: unknown }).code === this.code;
  }
}
