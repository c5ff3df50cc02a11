import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { abortedErrorFrom } from '../control/abort-signal.js';
import { AbortedError } from '../errors/aborted-error.js';
import { CatalogInvalidError } from '../errors/catalog-invalid-error.js';
import { CatalogUnavailableError } from '../errors/catalog-unavailable-error.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { requestRange } from '../http/http-range-request.js';
import { defaultModelPath } from '../model-path.js';
import { parseCatalogText, type Catalog, type InvalidEntryPolicy } from './parse-catalog.js';

/** GPT4All's published catalog. */
export const DEFAULT_CATALOG_URL = 'https://gpt4all.io/models/models3.json';

/**
 * The environment variable that names another catalog (a URL or a file path) for the CLI and the
 * server, when none is given: mirrors, offline machines and tests point it elsewhere.
 */
export const CATALOG_URL_ENV = 'GPT4ALL_CATALOG_URL';

/** Options of {@link fetchCatalog}. */
export interface FetchCatalogOptions {
  /** Catalog URL. Default {@link DEFAULT_CATALOG_URL}. Ignored when `file` is given. */
  url?: string;
  /** Read this local file instead of the network (no caching). */
  file?: string;
  /** Where the cached copy lives (in a `.catalog` folder). Default {@link defaultModelPath}. */
  cacheDir?: string;
  /** Do not touch the network: use the cached copy. */
  offline?: boolean;
  /** Use the cached copy without fetching when it is younger than this (ms). Default 0. */
  maxAgeMs?: number;
  /** Give up on the network after this long (ms) and fall back to the cache. Default 15 000. */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
  /** Reject the catalog on an invalid entry (default) or skip such entries. */
  invalidEntries?: InvalidEntryPolicy;
  signal?: AbortSignal;
}

// A catalog is tens of kB; anything this large is not a catalog.
const MAX_CATALOG_BYTES = 32 * 1024 * 1024;

/**
 * Reads and validates a GPT4All catalog (`models3.json` format).
 *
 * With `file`, reads that file. Otherwise fetches `url`, validates it and
 * stores it atomically in the cache; if the network fails (or `offline` is
 * set) it returns the last cached copy (`source: 'cache'`, with
 * `staleReason`). Throws {@link CatalogInvalidError} for a malformed catalog
 * and {@link CatalogUnavailableError} when neither network nor cache works.
 * A fetched catalog that fails validation is never cached.
 */
export async function fetchCatalog(options: FetchCatalogOptions = {}): Promise<Catalog> {
  const invalidEntries = options.invalidEntries ?? 'throw';
  if (options.file !== undefined) {
    const text = await readFile(options.file, 'utf8');
    return parseCatalogText(text, { source: 'file', location: options.file, invalidEntries });
  }
  const url = options.url ?? DEFAULT_CATALOG_URL;
  const cachePath = catalogCachePath(url, options.cacheDir ?? defaultModelPath());
  const fromCache = async (staleReason: string | undefined): Promise<Catalog | undefined> => {
    const text = await readFile(cachePath, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const catalog = parseCatalogText(text, { source: 'cache', location: cachePath, invalidEntries });
    if (staleReason !== undefined) catalog.staleReason = staleReason;
    return catalog;
  };

  if (options.offline) {
    const cached = await fromCache(undefined);
    if (cached) return cached;
    throw new CatalogUnavailableError({ url: undefined, cachePath, detail: 'offline' });
  }
  if (options.maxAgeMs !== undefined && options.maxAgeMs > 0) {
    const age = await stat(cachePath).then((info) => Date.now() - info.mtimeMs, () => undefined);
    if (age !== undefined && age < options.maxAgeMs) {
      const cached = await fromCache(undefined);
      if (cached) return cached;
    }
  }
  let text: string;
  try {
    text = await downloadText(url, options);
  } catch (error) {
    if (AbortedError.isInstance(error)) throw error;
    const reason = (error as Error).message;
    const cached = await fromCache(reason);
    if (cached) return cached;
    throw new CatalogUnavailableError({ url, cachePath, detail: reason }, { cause: error });
  }
  let catalog: Catalog;
  try {
    catalog = parseCatalogText(text, { source: 'network', location: url, invalidEntries });
  } catch (error) {
    // A broken remote catalog must not replace a good cached one; fall back to it.
    const cached = CatalogInvalidError.isInstance(error) ? await fromCache(error.message).catch(() => undefined) : undefined;
    if (cached) return cached;
    throw error;
  }
  await mkdir(join(cachePath, '..'), { recursive: true });
  await writeFileAtomic(cachePath, text);
  return catalog;
}

/** Path of the cached copy of the catalog at `url` inside `cacheDir`. */
export function catalogCachePath(url: string, cacheDir: string): string {
  const base = basename(new URL(url).pathname).replace(/[^\w.-]/g, '_').replace(/\.json$/i, '') || 'catalog';
  const tag = createHash('sha256').update(url).digest('hex').slice(0, 8);
  return join(cacheDir, '.catalog', `${base}-${tag}.json`);
}

async function downloadText(url: string, options: FetchCatalogOptions): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const reply = await requestRange({ url, headers: options.headers, ca: options.ca, signal, idleTimeoutMs: options.timeoutMs });
    return (await reply.readAll(MAX_CATALOG_BYTES)).toString('utf8');
  } catch (error) {
    if (options.signal?.aborted) throw abortedErrorFrom(options.signal);
    if (timeout.aborted) throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms`, { cause: error });
    throw error;
  }
}
