// Catalog
export { fetchCatalog, catalogCachePath, DEFAULT_CATALOG_URL, CATALOG_URL_ENV, type FetchCatalogOptions } from './catalog/fetch-catalog.js';
export { parseCatalog, parseCatalogText, type Catalog, type InvalidEntryPolicy } from './catalog/parse-catalog.js';
export {
  parseCatalogEntry,
  entryChecksum,
  entryFileSize,
  entryDownloadUrl,
  samplingOverrides,
  GPT4ALL_MODEL_BASE_URL,
  type CatalogEntry,
  type SamplingOverrides,
} from './catalog/catalog-entry.js';
export { findCatalogEntry } from './catalog/find-catalog-entry.js';

// Paths and files
export { defaultModelPath, type ModelPathOptions } from './model-path.js';
export { assertSafeFilename, unsafeFilenameReason } from './fs/safe-filename.js';
export { hashFile, type ChecksumAlgorithm, type ExpectedChecksum } from './checksum/checksum.js';
export { verifyLocalFile, type VerifyMode, type LocalFileStatus } from './download/verify-local-file.js';

// Downloads
export {
  downloadModel,
  DownloadHandle,
  type DownloadModelOptions,
  type DownloadEvents,
  type DownloadResult,
  type RestartReason,
} from './download/download-model.js';
export type { ModelSource } from './download/download-target.js';
export { partialDownloadBytes } from './download/part-file.js';
export type { DownloadProgress, DownloadPhase } from './download/progress-meter.js';
export type { RetryOptions } from './http/retry-policy.js';
export { retrieveModel, type RetrieveModelOptions, type RetrievedModel } from './retrieve-model.js';

// Hugging Face Hub references (`hf:owner/repo/file.gguf`, `hf:owner/repo:Q4_K_M`)
export { parseHubReference, isHubReference, type HubReference } from './hub/hub-reference.js';
export { retrieveHubModel } from './hub/retrieve-hub-model.js';
export { selectQuantFile, type QuantSelection } from './hub/select-quant-file.js';
export { DEFAULT_HUB_ENDPOINT, type HubFile } from './hub/hub-listing.js';

// Installed models
export { listModels, type InstalledModel, type ModelDirectoryOptions } from './model-dir/list-models.js';
export { removeModel } from './model-dir/remove-model.js';
export { splitParts, type SplitParts } from './model-dir/split-parts.js';

// Errors
export { DownloadError, type DownloadErrorOptions } from './errors/download-error.js';
export { ChecksumError, type ChecksumKind } from './errors/checksum-error.js';
export { DownloadHttpError } from './errors/download-http-error.js';
export { DownloadNetworkError } from './errors/download-network-error.js';
export { DownloadProtocolError, type ProtocolErrorReason } from './errors/download-protocol-error.js';
export { ModelNotFoundError, type ModelNotFoundReason } from './errors/model-not-found-error.js';
export { UnsafeFilenameError } from './errors/unsafe-filename-error.js';
export { InsufficientDiskError } from './errors/insufficient-disk-error.js';
export { AbortedError } from './errors/aborted-error.js';
export { CatalogInvalidError } from './errors/catalog-invalid-error.js';
export { CatalogUnavailableError } from './errors/catalog-unavailable-error.js';
export { LockLostError } from './errors/lock-lost-error.js';
export { HubAuthError } from './errors/hub-auth-error.js';
export { HubReferenceError } from './errors/hub-reference-error.js';
export { QuantNotFoundError } from './errors/quant-not-found-error.js';
