import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/** The catalog is not valid JSON or does not follow the GPT4All `models3.json` format. */
export class CatalogInvalidError extends DownloadError {
  static override readonly code = 'ERR_CATALOG_INVALID';
  /** One line per problem, each starting with a JSON path such as `[3].md5sum`. */
  readonly issues: readonly string[];
  /** Where the catalog came from (URL or file path). */
  readonly source: string;

  constructor(init: { issues: readonly string[]; source: string }, options?: DownloadErrorOptions) {
    const shown = init.issues.slice(0, 5).join('; ');
    const more = init.issues.length > 5 ? ` (+${init.issues.length - 5} more)` : '';
    super(`Invalid catalog from ${init.source}: ${shown}${more}`, options);
    this.issues = init.issues;
    this.source = init.source;
  }
}
brandError(CatalogInvalidError, '@gpt4all/download:CatalogInvalidError');
