import type { CatalogEntry } from '../catalog/catalog-entry.js';

/** Outcome of a download. */
export interface DownloadResult {
  /** Absolute path of the verified model file. */
  path: string;
  filename: string;
  /** File size in bytes. */
  size: number;
  /** Digest that was verified, when one was expected. */
  checksum: { algorithm: 'md5' | 'sha256'; value: string } | undefined;
  /** `already-present`: a verified file was there (maybe produced by a process we waited for). */
  status: 'downloaded' | 'already-present';
  /** The catalog entry downloaded, when the source was a name or an entry. */
  entry: CatalogEntry | undefined;
  /** Bytes reused from an earlier `.part` file. */
  resumedFrom: number;
  /** Body bytes received over the network by this call. */
  bytesTransferred: number;
  /** URL that was requested. */
  url: string;
}
