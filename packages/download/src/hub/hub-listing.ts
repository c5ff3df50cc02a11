import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectedChecksum } from '../checksum/checksum.js';
import { abortedErrorFrom } from '../control/abort-signal.js';
import { AbortedError } from '../errors/aborted-error.js';
import { DownloadHttpError } from '../errors/download-http-error.js';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { HubAuthError } from '../errors/hub-auth-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { requestRange } from '../http/http-range-request.js';

/** Hugging Face's Hub; `HF_ENDPOINT` (or the `hubEndpoint` option) points elsewhere, e.g. a mirror. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** One file of a repository listing. */
export interface HubFile {
  /** Path in the repository, `/`-separated. */
  path: string;
  /** Size in bytes, when listed. */
  size: number | undefined;
  /** The file's SHA-256 (Git LFS `oid`), for the files stored with LFS (every GGUF file). */
  sha256: string | undefined;
}

/** Where a repository is and how to reach it. */
export interface HubLocation {
  endpoint: string;
  /** `owner/repo`. */
  repo: string;
  revision: string;
  token: string | undefined;
  headers?: Record<string, string>;
  ca?: string | Buffer;
  signal?: AbortSignal;
}

// A listing is a few kB per file; anything this large is not a listing.
const MAX_LISTING_BYTES = 16 * 1024 * 1024;

/**
 * Lists a repository's files with `GET {endpoint}/api/models/{owner}/{repo}?blobs=true` (or
 * `/api/models/{owner}/{repo}/revision/{revision}?blobs=true` for another revision than `main`):
 * `siblings[].rfilename`, with `size` and `lfs.sha256` where the Hub gives them.
 *
 * @throws HubAuthError on 401/403, ModelNotFoundError (`not-on-hub`) on 404, DownloadHttpError on
 *   other statuses, DownloadNetworkError when the Hub cannot be reached or answers something that
 *   is not a listing, AbortedError.
 */
export async function fetchHubListing(location: HubLocation): Promise<HubFile[]> {
  const url = listingUrl(location);
  const headers: Record<string, string> = { ...location.headers, accept: 'application/json' };
  if (location.token) headers.authorization = `Bearer ${location.token}`;
  let text: string;
  try {
    const reply = await requestRange({ url, headers, ca: location.ca, signal: location.signal });
    text = (await reply.readAll(MAX_LISTING_BYTES)).toString('utf8');
  } catch (error) {
    if (location.signal?.aborted) throw abortedErrorFrom(location.signal);
    if (AbortedError.isInstance(error)) throw error;
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status > 0) throw hubStatusError(status, url, location, error);
    throw new DownloadNetworkError({ url, attempts: 1, reason: (error as Error).message }, { cause: error });
  }
  const files = parseListing(text);
  if (!files) throw new DownloadNetworkError({ url, attempts: 1, reason: 'the answer is not a Hub model listing (no siblings)' });
  return files;
}

/** The typed error of a refused Hub request: auth (401/403), not found (404), else HTTP. */
export function hubStatusError(status: number, url: string, location: Pick<HubLocation, 'repo' | 'token' | 'revision'>, cause?: unknown): Error {
  if (status === 401 || status === 403) {
    return new HubAuthError({ repo: location.repo, status, url, tokenSent: Boolean(location.token) }, { cause });
  }
  if (status === 404) {
    return new ModelNotFoundError(
      { model: `hf:${location.repo}`, searchedPaths: [], reason: 'not-on-hub', hint: `The Hub has no such repository or revision (${location.revision}): HTTP 404 from ${url}.` },
      { cause },
    );
  }
  return new DownloadHttpError({ status, url, attempts: 1 }, { cause });
}

/** `{endpoint}/{owner}/{repo}/resolve/{revision}/{path}`, each path segment encoded. */
export function hubFileUrl(location: Pick<HubLocation, 'endpoint' | 'repo' | 'revision'>, path: string): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${trimSlash(location.endpoint)}/${location.repo}/resolve/${encodeURIComponent(location.revision)}/${encoded}`;
}

/** The expected size and digest of a listed file, for verification. */
export function hubFileExpectation(file: HubFile): { size: number | undefined; checksum: ExpectedChecksum | undefined } {
  return { size: file.size, checksum: file.sha256 ? { algorithm: 'sha256', value: file.sha256 } : undefined };
}

/**
 * Path of the cached listing of a repository revision in the model directory
 * (`.hub/<endpoint host>/<owner>--<repo>--<revision>.json`): it lets a model named by
 * quantisation be found again without the network.
 */
export function hubListingCachePath(directory: string, location: Pick<HubLocation, 'endpoint' | 'repo' | 'revision'>): string {
  const host = encodeURIComponent(new URL(location.endpoint).host);
  const name = `${location.repo.replace('/', '--')}--${encodeURIComponent(location.revision)}.json`;
  return join(directory, '.hub', host, name);
}

/** Stores a listing for {@link readCachedHubListing}. Best effort: the cache is only a fallback. */
export async function cacheHubListing(path: string, files: readonly HubFile[]): Promise<void> {
  try {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, JSON.stringify({ version: 1, files }));
  } catch {
    // Without the cache, offline lookups by quantisation fail with ModelNotFoundError instead.
  }
}

/** The cached listing, or `undefined` when there is none (or it is unreadable). */
export async function readCachedHubListing(path: string): Promise<HubFile[] | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; files?: unknown };
    if (data.version !== 1 || !Array.isArray(data.files)) return undefined;
    return data.files.filter((f): f is HubFile => typeof (f as HubFile)?.path === 'string');
  } catch {
    return undefined;
  }
}

function listingUrl(location: HubLocation): string {
  const base = `${trimSlash(location.endpoint)}/api/models/${location.repo}`;
  const revision = location.revision === 'main' ? '' : `/revision/${encodeURIComponent(location.revision)}`;
  return `${base}${revision}?blobs=true`;
}

function parseListing(text: string): HubFile[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const siblings = (data as { siblings?: unknown })?.siblings;
  if (!Array.isArray(siblings)) return undefined;
  const files: HubFile[] = [];
  for (const sibling of siblings as Record<string, unknown>[]) {
    if (typeof sibling?.rfilename !== 'string') continue;
    const lfs = sibling.lfs as { sha256?: unknown; oid?: unknown; size?: unknown } | undefined;
    const digest = typeof lfs?.sha256 === 'string' ? lfs.sha256 : typeof lfs?.oid === 'string' ? lfs.oid : undefined;
    const size = typeof lfs?.size === 'number' ? lfs.size : typeof sibling.size === 'number' ? sibling.size : undefined;
    files.push({
      path: sibling.rfilename,
      size: size !== undefined && Number.isSafeInteger(size) && size >= 0 ? size : undefined,
      sha256: digest !== undefined && /^[0-9a-f]{64}$/i.test(digest) ? digest.toLowerCase() : undefined,
    });
  }
  return files;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
