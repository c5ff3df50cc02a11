import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** A string that starts with `hf:` is not a valid Hugging Face reference (`hf:owner/repo/path/file.gguf` or `hf:owner/repo:QUANT`). */
export class HubReferenceError extends DownloadError {
  static override readonly code = 'ERR_HUB_REFERENCE';
  /** The reference, as given. */
  readonly reference: string;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(init: { reference: string; reason: string }, options?: DownloadErrorOptions) {
    super(
      `Invalid Hugging Face reference ${JSON.stringify(init.reference)}: ${init.reason}. ` +
        'Expected hf:owner/repo/path/file.gguf or hf:owner/repo:QUANT (e.g. hf:owner/repo:Q4_K_M).',
      options,
    );
    this.reference = init.reference;
    this.reason = init.reason;
  }
}
brandError(HubReferenceError, '@gpt4all/download:HubReferenceError');
