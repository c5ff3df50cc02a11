import type { CatalogEntry } from './catalog-entry.js';
import type { Catalog } from './parse-catalog.js';

/**
 * Finds the entry for `query`, trying in order: exact `filename`; `filename`
 * ignoring case; `query + '.gguf'` (GPT4All lets callers omit the extension);
 * exact `name`; `name` ignoring case. Returns `undefined` when none matches.
 */
export function findCatalogEntry(
  catalog: Catalog | readonly CatalogEntry[],
  query: string,
): CatalogEntry | undefined {
  const entries: readonly CatalogEntry[] = isEntryList(catalog) ? catalog : catalog.entries;
  const lower = query.toLowerCase();
  const withExtension = lower.endsWith('.gguf') ? undefined : `${lower}.gguf`;
  return (
    entries.find((entry) => entry.filename === query) ??
    entries.find((entry) => entry.filename.toLowerCase() === lower) ??
    (withExtension ? entries.find((entry) => entry.filename.toLowerCase() === withExtension) : undefined) ??
    entries.find((entry) => entry.name === query) ??
    entries.find((entry) => entry.name.toLowerCase() === lower)
  );
}

function isEntryList(catalog: Catalog | readonly CatalogEntry[]): catalog is readonly CatalogEntry[] {
  return Array.isArray(catalog);
}
