import { CatalogInvalidError } from '../errors/catalog-invalid-error.js';
import { parseCatalogEntry, type CatalogEntry } from './catalog-entry.js';

/** A validated model catalog and where it came from. */
export interface Catalog {
  /** Valid entries, in catalog order. */
  entries: CatalogEntry[];
  /** `network`: fetched now; `cache`: the cached copy; `file`: a local file; `inline`: parsed from a value. */
  source: 'network' | 'cache' | 'file' | 'inline';
  /** URL or file path it was read from. */
  location: string;
  /** When served from the cache because the network failed, why it failed. */
  staleReason?: string;
  /** Problems of entries skipped with `invalidEntries: 'skip'` (empty otherwise). */
  issues: string[];
}

/** What to do with an invalid entry: reject the whole catalog (default) or skip it. */
export type InvalidEntryPolicy = 'throw' | 'skip';

/**
 * Validates parsed catalog JSON (an array of entries). Throws
 * {@link CatalogInvalidError} listing every problem, unless `invalidEntries`
 * is `skip`, in which case bad entries are dropped and reported in `issues`.
 * A catalog that is not an array is always rejected.
 */
export function parseCatalog(
  json: unknown,
  options: { source?: Catalog['source']; location?: string; invalidEntries?: InvalidEntryPolicy } = {},
): Catalog {
  const location = options.location ?? '(inline)';
  if (!Array.isArray(json)) throw new CatalogInvalidError({ issues: ['$: not a JSON array'], source: location });
  const entries: CatalogEntry[] = [];
  const issues: string[] = [];
  json.forEach((raw, index) => {
    const result = parseCatalogEntry(raw, `[${index}]`);
    if ('entry' in result) entries.push(result.entry);
    else issues.push(...result.issues);
  });
  if (issues.length > 0 && options.invalidEntries !== 'skip') {
    throw new CatalogInvalidError({ issues, source: location });
  }
  return { entries, source: options.source ?? 'inline', location, issues };
}

/** Parses catalog text (JSON), reporting a syntax error as {@link CatalogInvalidError}. */
export function parseCatalogText(
  text: string,
  options: { source?: Catalog['source']; location?: string; invalidEntries?: InvalidEntryPolicy } = {},
): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogInvalidError(
      { issues: [`$: invalid JSON (${(error as Error).message})`], source: options.location ?? '(inline)' },
      { cause: error },
    );
  }
  return parseCatalog(json, options);
}
