import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { entryChecksum, entryFileSize, type CatalogEntry } from './catalog/catalog-entry.js';
import { fetchCatalog } from './catalog/fetch-catalog.js';
import { findCatalogEntry } from './catalog/find-catalog-entry.js';
import type { Catalog } from './catalog/parse-catalog.js';
import { downloadModel, type DownloadModelOptions } from './download/download-model.js';
import { isHubReference } from './hub/hub-reference.js';
import { retrieveHubModel } from './hub/retrieve-hub-model.js';
import { verifyLocalFile, type VerifyMode } from './download/verify-local-file.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';
import { UnsafeFilenameError } from './errors/unsafe-filename-error.js';
import { unsafeFilenameReason } from './fs/safe-filename.js';
import { defaultModelPath } from './model-path.js';

/** Options of {@link retrieveModel}. */
export interface RetrieveModelOptions extends Omit<DownloadModelOptions, 'filename' | 'force' | 'catalog'> {
  /** Download when the file is missing or fails verification. Default true (GPT4All's `allow_download`). */
  allowDownload?: boolean;
  /**
   * Catalog to resolve names and read entries from. Default: the GPT4All
   * catalog, from the cache when the file is already local or downloads are
   * disabled, else fetched. `false`: use no catalog (local files only).
   */
  catalog?: Catalog | readonly CatalogEntry[] | false;
  /** How a file already on disk is checked. Default `checksum` (hashed once, then remembered). */
  verify?: VerifyMode;
  /**
   * Hugging Face references (`hf:...`): the Hub's base URL. Default `$HF_ENDPOINT`, else
   * `https://huggingface.co`. (`token` defaults to `$HF_TOKEN` for them.)
   */
  hubEndpoint?: string;
  /** Hugging Face references: the branch, tag or commit to download from. Default `main`. */
  revision?: string;
}

/** A model file ready to load. */
export interface RetrievedModel {
  /** Absolute path of the model file. */
  path: string;
  /**
   * Its catalog entry when one matches: `chatTemplate`, `promptTemplate`,
   * `systemPrompt`, `systemMessage`, sampling overrides...
   */
  entry: CatalogEntry | undefined;
  /** True when this call downloaded (or re-downloaded) the file (or any part of it). */
  downloaded: boolean;
  /**
   * Absolute paths of every file of the model: the parts of a split model
   * (`…-00001-of-00003.gguf` first, which is `path`), or just `path`.
   */
  parts: string[];
}

/**
 * Returns a local, verified model file, downloading it when allowed — the
 * contract of GPT4All's `retrieve_model(..., allow_download)`.
 *
 * `nameOrFilename` is a catalog filename (`.gguf` may be omitted), a catalog
 * display name, an absolute path to a local file, or a Hugging Face reference
 * (`hf:owner/repo/path/file.gguf`, `hf:owner/repo:Q4_K_M`; see {@link retrieveHubModel}):
 * a split model's parts are all fetched and `path` is its first part. Relative paths are
 * rejected ({@link UnsafeFilenameError}). When the file is absent and
 * `allowDownload` is false, or the model is unknown, it throws
 * {@link ModelNotFoundError} whose message lists every path it looked at.
 * A present file that fails verification throws `ChecksumError` (and is left
 * alone) unless downloads are allowed, in which case a fresh copy replaces it.
 */
export async function retrieveModel(nameOrFilename: string, options: RetrieveModelOptions = {}): Promise<RetrievedModel> {
  if (isHubReference(nameOrFilename)) return retrieveHubModel(nameOrFilename, options);
  const allowDownload = options.allowDownload ?? true;
  const directory = defaultModelPath({ modelPath: options.modelPath });
  const catalogFor = catalogLoader(options, directory, allowDownload);

  if (isAbsolute(nameOrFilename)) {
    if (!(await isFile(nameOrFilename))) {
      throw new ModelNotFoundError({ model: nameOrFilename, searchedPaths: [nameOrFilename], reason: 'missing-file' });
    }
    const catalog = await catalogFor('cached').catch(() => undefined);
    return { path: nameOrFilename, entry: catalog && findCatalogEntry(catalog, basename(nameOrFilename)), downloaded: false, parts: [nameOrFilename] };
  }
  if (/[/\\]/.test(nameOrFilename)) {
    throw new UnsafeFilenameError({ filename: nameOrFilename, reason: 'relative paths are not accepted; pass a file name or an absolute path' });
  }

  const candidates = [nameOrFilename, `${nameOrFilename}.gguf`].filter((name, index) =>
    unsafeFilenameReason(name) === undefined && (index === 0 || !nameOrFilename.toLowerCase().endsWith('.gguf')),
  );
  const searchedPaths = candidates.map((name) => join(directory, name));
  let local: string | undefined;
  for (const name of candidates) {
    if (await isFile(join(directory, name))) {
      local = name;
      break;
    }
  }

  // A local file needs no fresh catalog: the cached one is enough for its entry.
  const catalog = local !== undefined
    ? await catalogFor('cached').catch(() => undefined)
    : await catalogFor(allowDownload ? 'fresh' : 'cached').catch((error: unknown) => {
        if (allowDownload) throw error;
        return undefined;
      });
  const entry = catalog && findCatalogEntry(catalog, local ?? nameOrFilename);
  const filename = local ?? entry?.filename;
  if (filename !== undefined && !searchedPaths.includes(join(directory, filename))) searchedPaths.push(join(directory, filename));

  if (filename !== undefined) {
    const expected = { size: entry && entryFileSize(entry), checksum: entry && entryChecksum(entry) };
    const status = await verifyLocalFile(directory, filename, expected, options.verify ?? 'checksum', { signal: options.signal });
    if (status.state === 'valid') return { path: join(directory, filename), entry, downloaded: false, parts: [join(directory, filename)] };
    if (status.state === 'invalid' && !(allowDownload && entry)) throw status.error;
  }
  if (!entry) {
    throw new ModelNotFoundError({
      model: nameOrFilename,
      searchedPaths,
      reason: 'not-in-catalog',
      hint: catalog ? `It is not in the catalog${'location' in catalog ? ` (${catalog.location})` : ''} either.` : 'No catalog was available to look it up.',
    });
  }
  if (!allowDownload) {
    throw new ModelNotFoundError({
      model: nameOrFilename,
      searchedPaths,
      reason: 'download-disabled',
      hint: 'Downloads are disabled (allowDownload: false).',
    });
  }
  const { catalog: _catalog, allowDownload: _allow, verify: _verify, hubEndpoint: _hub, revision: _revision, ...downloadOptions } = options;
  const result = await downloadModel(entry, { ...downloadOptions, modelPath: directory }).promise;
  return { path: result.path, entry, downloaded: true, parts: [result.path] };
}

type CatalogFreshness = 'cached' | 'fresh';

function catalogLoader(options: RetrieveModelOptions, directory: string, allowDownload: boolean) {
  return async (freshness: CatalogFreshness): Promise<Catalog | readonly CatalogEntry[] | undefined> => {
    if (options.catalog === false) return undefined;
    if (options.catalog !== undefined) return options.catalog;
    return fetchCatalog({
      url: options.catalogUrl,
      cacheDir: directory,
      signal: options.signal,
      headers: options.headers,
      ca: options.ca,
      // Without downloads there is no network use at all; otherwise a cached
      // copy suffices when the file is local (any age).
      offline: !allowDownload,
      maxAgeMs: freshness === 'cached' ? Number.POSITIVE_INFINITY : undefined,
    });
  };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
