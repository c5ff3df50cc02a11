import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** The catalog could not be fetched and no cached copy exists. `cause` holds the fetch error. */
export class CatalogUnavailableError extends DownloadError {
  static override readonly code = 'ERR_CATALOG_UNAVAILABLE';
  /** Catalog URL that was tried (undefined when offline). */
  readonly url: string | undefined;
  /** Cache file that was looked for. */
  readonly cachePath: string;

  constructor(init: { url: string | undefined; cachePath: string; detail: string }, options?: DownloadErrorOptions) {
    super(`Model catalog unavailable (${init.detail}); no cached copy at ${init.cachePath}`, options);
    this.url = init.url;
    this.cachePath = init.cachePath;
  }
}
brandError(CatalogUnavailableError, '@gpt4all/download:CatalogUnavailableError');
