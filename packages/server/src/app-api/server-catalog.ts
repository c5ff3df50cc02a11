import { fetchCatalog, type Catalog } from '@gpt4all/download';

// The catalog changes rarely; a fetched copy (kept in the model directory's cache) answers for this long.
const CATALOG_MAX_AGE_MS = 10 * 60_000;

/**
 * The model catalog the server names models, lists entries and downloads from: a URL (fetched,
 * with `@gpt4all/download`'s cache in the model directory as a fallback) or a local file (read
 * each time). Undefined `source`: GPT4All's catalog.
 */
export class ServerCatalog {
  readonly source: string | undefined;
  readonly modelsDir: string;

  constructor(source: string | undefined, modelsDir: string) {
    this.source = source;
    this.modelsDir = modelsDir;
  }

  /** Whether the catalog is a local file rather than a URL. */
  get isFile(): boolean {
    return this.source !== undefined && !/^https?:\/\//i.test(this.source);
  }

  /**
   * The catalog, fetched (at most every 10 minutes) or read.
   * @throws `CatalogUnavailableError` (`ERR_CATALOG_UNAVAILABLE`) when neither the network nor the
   *   cache has it, `CatalogInvalidError` for one that does not parse, Node's `ENOENT` for a missing file.
   */
  fetch(signal?: AbortSignal): Promise<Catalog> {
    if (this.isFile) return fetchCatalog({ file: this.source, invalidEntries: 'skip' });
    return fetchCatalog({ url: this.source, cacheDir: this.modelsDir, maxAgeMs: CATALOG_MAX_AGE_MS, invalidEntries: 'skip', signal });
  }

  /**
   * The catalog options of `listModels` and `removeModel`, which read a URL's catalog only from
   * the cache (never the network) and a file's from the file: undefined parts are left out.
   */
  async directoryOptions(): Promise<{ catalog?: Catalog; catalogUrl?: string }> {
    if (!this.isFile) return this.source === undefined ? {} : { catalogUrl: this.source };
    return { catalog: await this.fetch().catch(() => ({ entries: [], source: 'inline', location: '', issues: [] }) as Catalog) };
  }
}
