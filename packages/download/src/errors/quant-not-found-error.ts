import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** No GGUF file of a Hugging Face repository matches the quantisation asked for (`hf:owner/repo:Q4_K_M`). */
export class QuantNotFoundError extends DownloadError {
  static override readonly code = 'ERR_QUANT_NOT_FOUND';
  /** `owner/repo`. */
  readonly repo: string;
  /** The quantisation asked for, as written. */
  readonly quant: string;
  /** Quantisations found in the repository's GGUF file names (upper case, sorted); may be empty. */
  readonly available: readonly string[];

  constructor(init: { repo: string; quant: string; available: readonly string[] }, options?: DownloadErrorOptions) {
    const list = init.available.length > 0 ? `Available: ${init.available.join(', ')}.` : 'It has no GGUF files.';
    super(`No GGUF file of ${init.repo} matches the quantisation "${init.quant}". ${list}`, options);
    this.repo = init.repo;
    this.quant = init.quant;
    this.available = init.available;
  }
}
brandError(QuantNotFoundError, '@gpt4all/download:QuantNotFoundError');
