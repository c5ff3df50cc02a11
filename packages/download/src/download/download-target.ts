import type { ExpectedChecksum } from '../checksum/checksum.js';
import {
  entryChecksum,
  entryDownloadUrl,
  entryFileSize,
  parseCatalogEntry,
  type CatalogEntry,
} from '../catalog/catalog-entry.js';
import { fetchCatalog } from '../catalog/fetch-catalog.js';
import { findCatalogEntry } from '../catalog/find-catalog-entry.js';
import type { Catalog } from '../catalog/parse-catalog.js';
import { CatalogInvalidError } from '../errors/catalog-invalid-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';
import { assertSafeFilename, unsafeFilenameReason } from '../fs/safe-filename.js';

/** What to download: a catalog name or filename, a catalog entry, or an http(s) URL. */
export type ModelSource = string | CatalogEntry;

/** A fully resolved download. */
export interface DownloadTarget {
  url: string;
  /** Validated plain file name inside the model directory. */
  filename: string;
  size: number | undefined;
  checksum: ExpectedChecksum | undefined;
  entry: CatalogEntry | undefined;
}

/** Inputs of {@link resolveDownloadTarget}. */
export interface TargetOptions {
  /** File name to save a URL download as. Default: the URL's last path segment. */
  filename?: string;
  /** Expected size in bytes (overrides the entry's `filesize`). */
  expectedSize?: number;
  /** Expected digest (overrides the entry's). */
  checksum?: ExpectedChecksum;
  /** Catalog for name lookups. Default: {@link fetchCatalog} with `catalogUrl`. */
  catalog?: Catalog | readonly CatalogEntry[];
  catalogUrl?: string;
  ca?: string | Buffer;
  /** Directory of the catalog cache. */
  cacheDir: string;
  signal?: AbortSignal;
}

/** Resolves a {@link ModelSource} into URL, safe filename, size and checksum. */
export async function resolveDownloadTarget(source: ModelSource, options: TargetOptions): Promise<DownloadTarget> {
  let target: DownloadTarget;
  if (typeof source === 'object') {
    target = fromEntry(validatedEntry(source));
  } else if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    const filename = options.filename ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
    target = { url: url.href, filename, size: undefined, checksum: undefined, entry: undefined };
  } else {
    const catalog =
      options.catalog ?? (await fetchCatalog({ url: options.catalogUrl, cacheDir: options.cacheDir, signal: options.signal, ca: options.ca }));
    const entry = findCatalogEntry(catalog, source);
    if (!entry) {
      throw new ModelNotFoundError({
        model: source,
        searchedPaths: [],
        reason: 'not-in-catalog',
        hint: 'It is not in the model catalog; pass a catalog entry or a URL instead.',
      });
    }
    target = fromEntry(entry);
  }
  if (options.expectedSize !== undefined) target.size = options.expectedSize;
  if (options.checksum !== undefined) {
    target.checksum = { algorithm: options.checksum.algorithm, value: options.checksum.value.toLowerCase() };
  }
  assertSafeFilename(target.filename);
  return target;
}

function fromEntry(entry: CatalogEntry): DownloadTarget {
  return {
    url: entryDownloadUrl(entry),
    filename: entry.filename,
    size: entryFileSize(entry),
    checksum: entryChecksum(entry),
    entry,
  };
}

function validatedEntry(raw: CatalogEntry): CatalogEntry {
  // Entries built by hand are held to the same rules as catalog ones; an
  // unsafe filename gets its specific error.
  const reason = unsafeFilenameReason(raw.filename);
  if (reason) throw new UnsafeFilenameError({ filename: String(raw.filename), reason });
  const result = parseCatalogEntry(raw, 'entry');
  if ('issues' in result) throw new CatalogInvalidError({ issues: result.issues, source: 'entry' });
  return result.entry;
}
