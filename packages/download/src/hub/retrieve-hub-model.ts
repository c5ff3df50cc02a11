import { join } from 'node:path';
import { downloadModel } from '../download/download-model.js';
import { verifyLocalFile } from '../download/verify-local-file.js';
import { DownloadHttpError } from '../errors/download-http-error.js';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { QuantNotFoundError } from '../errors/quant-not-found-error.js';
import { assertSafeFilename } from '../fs/safe-filename.js';
import { splitParts } from '../model-dir/split-parts.js';
import { defaultModelPath } from '../model-path.js';
import type { RetrievedModel, RetrieveModelOptions } from '../retrieve-model.js';
import {
  cacheHubListing,
  DEFAULT_HUB_ENDPOINT,
  fetchHubListing,
  hubFileExpectation,
  hubFileUrl,
  hubListingCachePath,
  hubStatusError,
  readCachedHubListing,
  type HubFile,
  type HubLocation,
} from './hub-listing.js';
import { hubRepoId, parseHubReference, type HubReference } from './hub-reference.js';
import { selectQuantFile } from './select-quant-file.js';

/**
 * {@link retrieveModel} for `hf:owner/repo/path/file.gguf` and `hf:owner/repo:QUANT`.
 *
 * The listing (`/api/models/...`) gives the file (by quantisation: see {@link selectQuantFile}),
 * its parts when it is split, and each part's size and SHA-256; each part is then downloaded with
 * {@link downloadModel} from `{endpoint}/{owner}/{repo}/resolve/{revision}/{path}` into the model
 * directory under its own file name (the path's last segment) and verified. The listing is cached
 * in `<modelPath>/.hub/`, so that with `allowDownload: false` (no network at all), or when the Hub
 * cannot be reached, a model named by quantisation is still found and checked.
 */
export async function retrieveHubModel(reference: string, options: RetrieveModelOptions): Promise<RetrievedModel> {
  const parsed = parseHubReference(reference);
  const allowDownload = options.allowDownload ?? true;
  const directory = defaultModelPath({ modelPath: options.modelPath });
  const location: HubLocation = {
    endpoint: options.hubEndpoint ?? nonEmpty(process.env.HF_ENDPOINT) ?? DEFAULT_HUB_ENDPOINT,
    repo: hubRepoId(parsed),
    revision: options.revision ?? 'main',
    token: options.token ?? nonEmpty(process.env.HF_TOKEN),
    headers: options.headers,
    ca: options.ca,
    signal: options.signal,
  };
  const cachePath = hubListingCachePath(directory, location);
  let listing: HubFile[] | undefined;
  if (allowDownload) {
    try {
      listing = await fetchHubListing(location);
      await cacheHubListing(cachePath, listing);
    } catch (error) {
      // Unreachable Hub: the cached listing still says which files make the model.
      if (!DownloadNetworkError.isInstance(error)) throw error;
      listing = await readCachedHubListing(cachePath);
      if (!listing) throw error;
    }
  } else {
    listing = await readCachedHubListing(cachePath);
  }

  const repoPaths = modelPaths(reference, parsed, listing, directory);
  const files = repoPaths.map((path) => ({
    path,
    filename: assertSafeFilename(path.slice(path.lastIndexOf('/') + 1)),
    listed: listing?.find((file) => file.path === path),
  }));
  const localPaths = files.map((file) => join(directory, file.filename));
  let downloaded = false;
  for (const file of files) {
    const expected = file.listed ? hubFileExpectation(file.listed) : { size: undefined, checksum: undefined };
    if (!allowDownload) {
      const status = await verifyLocalFile(directory, file.filename, expected, options.verify ?? 'checksum', { signal: options.signal });
      if (status.state === 'invalid') throw status.error;
      if (status.state === 'missing') {
        throw new ModelNotFoundError({ model: reference, searchedPaths: localPaths, reason: 'download-disabled', hint: 'Downloads are disabled (allowDownload: false).' });
      }
      continue;
    }
    const url = hubFileUrl(location, file.path);
    const result = await downloadModel(url, {
      ...downloadOptionsOf(options),
      modelPath: directory,
      filename: file.filename,
      expectedSize: expected.size,
      checksum: expected.checksum,
      token: location.token,
    }).promise.catch((error: unknown) => {
      throw DownloadHttpError.isInstance(error) && [401, 403, 404].includes(error.status)
        ? hubStatusError(error.status, error.url, location, error)
        : error;
    });
    downloaded ||= result.status === 'downloaded';
  }
  return { path: localPaths[0]!, entry: undefined, downloaded, parts: localPaths };
}

/** Repository paths of every file of the model, the first (or only) part first. */
function modelPaths(reference: string, parsed: HubReference, listing: HubFile[] | undefined, directory: string): string[] {
  let first: string;
  if (parsed.kind === 'quant') {
    if (!listing) {
      throw new ModelNotFoundError({
        model: reference,
        searchedPaths: [],
        reason: 'download-disabled',
        hint: `Choosing a file by quantisation needs the listing of ${hubRepoId(parsed)}, which was never fetched into ${directory}; allow downloads once, or name the file (hf:owner/repo/file.gguf).`,
      });
    }
    const selection = selectQuantFile(listing.map((file) => file.path), parsed.quant);
    if (!selection.found) throw new QuantNotFoundError({ repo: hubRepoId(parsed), quant: parsed.quant, available: selection.available });
    first = selection.path;
  } else {
    first = parsed.path;
  }
  // A split model is every part, whichever part was named; llama.cpp loads it from the first.
  const paths = splitParts(first)?.names ?? [first];
  const missing = listing ? paths.filter((path) => !listing.some((file) => file.path === path)) : [];
  if (missing.length > 0) {
    const gguf = listing!.filter((file) => file.path.toLowerCase().endsWith('.gguf')).map((file) => file.path);
    throw new ModelNotFoundError({
      model: reference,
      searchedPaths: [],
      reason: 'not-on-hub',
      hint: `${hubRepoId(parsed)} has no ${missing.join(', ')}. Its GGUF files: ${gguf.length > 0 ? gguf.slice(0, 20).join(', ') : 'none'}.`,
    });
  }
  return paths;
}

function downloadOptionsOf(options: RetrieveModelOptions) {
  const {
    catalog: _catalog,
    catalogUrl: _catalogUrl,
    allowDownload: _allowDownload,
    verify: _verify,
    hubEndpoint: _hubEndpoint,
    revision: _revision,
    token: _token,
    modelPath: _modelPath,
    ...rest
  } = options;
  return rest;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
