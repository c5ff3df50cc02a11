import {
  defaultModelPath,
  fetchCatalog,
  findCatalogEntry,
  isHubReference,
  retrieveModel,
  type Catalog,
  type CatalogEntry,
  type DownloadProgress,
  type VerifyMode,
} from '@gpt4all/download';
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

/** Where to find a model, and whether it may be downloaded. */
export interface LocateModelOptions {
  /** Directory of models. Default: `$GPT4ALL_MODEL_PATH`, else `~/.cache/gpt4all` (see `defaultModelPath`). */
  modelPath?: string;
  /** Download a model named in the catalog when it is missing. Default true. */
  allowDownload?: boolean;
  /**
   * The catalog to resolve names with: a catalog, a list of entries, the URL or path of a
   * `models3.json`-style file, or `false` for none. Default: GPT4All's, fetched (or read from its
   * cache) when a name must be resolved.
   */
  catalog?: Catalog | readonly CatalogEntry[] | string | false;
  /** URL of the catalog when `catalog` is not given. Default: GPT4All's `models3.json`. */
  catalogUrl?: string;
  /** How a file already in the model directory is checked against the catalog. Default `'checksum'` (hashed once, then remembered). */
  verify?: VerifyMode;
  /** Hugging Face references (`hf:...`): access token for gated repositories. Default `$HF_TOKEN`. */
  token?: string;
  /** Hugging Face references: the Hub's base URL. Default `$HF_ENDPOINT`, else `https://huggingface.co`. */
  hubEndpoint?: string;
  /** Hugging Face references: branch, tag or commit. Default `main`. */
  revision?: string;
  /** Download progress (of each part in turn, for a split model). */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download or the load. */
  signal?: AbortSignal;
}

/** A model file on disk and its catalog entry, if any. */
export interface LocatedModel {
  path: string;
  entry: CatalogEntry | undefined;
}

/**
 * Finds a model file: a Hugging Face reference (`hf:owner/repo/file.gguf`, `hf:owner/repo:Q4_K_M`)
 * is fetched from the Hub when missing and allowed (every part of a split model; the path is the
 * first part); a path (absolute, or relative with a `/`) is used as it is; anything else is a
 * catalog name or a file name in the model directory, downloaded when missing and allowed.
 */
export async function locateModel(nameOrPath: string, given: LocateModelOptions): Promise<LocatedModel> {
  if (isHubReference(nameOrPath)) {
    const { path } = await retrieveModel(nameOrPath, {
      modelPath: given.modelPath,
      allowDownload: given.allowDownload,
      verify: given.verify,
      token: given.token,
      hubEndpoint: given.hubEndpoint,
      revision: given.revision,
      onProgress: given.onDownloadProgress,
      signal: given.signal,
    });
    return { path, entry: undefined };
  }
  const options = await withCatalogSource(given);
  if (isAbsolute(nameOrPath) || /[/\\]/.test(nameOrPath)) {
    const path = resolve(nameOrPath);
    return { path, entry: await entryForPath(path, options) };
  }
  // A file already in the model directory needs no network: it is checked against the catalog
  // only when one is given or cached, and otherwise loaded as it is.
  const local = join(defaultModelPath({ modelPath: options.modelPath }), nameOrPath);
  if (options.catalog === undefined && existsSync(local)) {
    const cached = await cachedCatalog(options);
    if (!cached) return { path: local, entry: undefined };
    options.catalog = cached;
  }
  const { path, entry } = await retrieveModel(nameOrPath, {
    modelPath: options.modelPath,
    allowDownload: options.allowDownload,
    catalog: options.catalog,
    catalogUrl: options.catalogUrl,
    verify: options.verify,
    onProgress: options.onDownloadProgress,
    signal: options.signal,
  });
  return { path, entry };
}

/**
 * The catalog entry of a file given by path, for its templates and overrides. Only a catalog that
 * is given or already cached is read: loading a local file never touches the network.
 */
async function entryForPath(path: string, options: ResolvedLocateOptions): Promise<CatalogEntry | undefined> {
  if (options.catalog === false) return undefined;
  const catalog = options.catalog ?? (await cachedCatalog(options));
  return catalog && findCatalogEntry(catalog, basename(path));
}

/** The catalog cached in the model directory, if any, read without touching the network. */
function cachedCatalog(options: ResolvedLocateOptions): Promise<Catalog | undefined> {
  return fetchCatalog({ url: options.catalogUrl, cacheDir: defaultModelPath({ modelPath: options.modelPath }), offline: true }).catch(() => undefined);
}

type ResolvedLocateOptions = Omit<LocateModelOptions, 'catalog'> & { catalog?: Catalog | readonly CatalogEntry[] | false };

/** Turns a `catalog` given as a URL into `catalogUrl` (fetched and cached as usual), and a file path into its catalog. */
async function withCatalogSource(options: LocateModelOptions): Promise<ResolvedLocateOptions> {
  const { catalog } = options;
  if (typeof catalog !== 'string') return { ...options, catalog };
  if (/^https?:\/\//i.test(catalog)) return { ...options, catalog: undefined, catalogUrl: catalog };
  return { ...options, catalog: await fetchCatalog({ file: resolve(catalog) }) };
}
