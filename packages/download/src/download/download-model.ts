import { EventEmitter } from 'node:events';
import type { ExpectedChecksum } from '../checksum/checksum.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { Catalog } from '../catalog/parse-catalog.js';
import { abortedErrorFrom } from '../control/abort-signal.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { RetryOptions } from '../http/retry-policy.js';
import { defaultModelPath } from '../model-path.js';
import { resolveDownloadTarget, type ModelSource } from './download-target.js';
import { runDownload, type DownloadResult, type RestartReason } from './download-session.js';
import type { DownloadProgress } from './progress-meter.js';

/** Options of {@link downloadModel}. */
export interface DownloadModelOptions {
  /** Directory to save into. Default {@link defaultModelPath}. */
  modelPath?: string;
  /** File name for a URL download. Default: the URL's last path segment. Validated. */
  filename?: string;
  /** Catalog used to look a name up. Default: {@link fetchCatalog} (cached copy when offline). */
  catalog?: Catalog | readonly CatalogEntry[];
  /** Catalog URL when `catalog` is not given. */
  catalogUrl?: string;
  /** Expected size in bytes (for URLs; overrides an entry's `filesize`). */
  expectedSize?: number;
  /** Expected digest (for URLs; overrides an entry's). */
  checksum?: ExpectedChecksum;
  /** Bearer token for gated hosts; sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra request headers. Credentials are never forwarded to another origin on redirect. */
  headers?: Record<string, string>;
  /** Extra trusted CA certificates (PEM), e.g. for a corporate TLS proxy; Node's bundled CAs stay trusted. */
  ca?: string | Buffer;
  /** Cancels the download; the `.part` file is kept for a later resume. */
  signal?: AbortSignal;
  /** Called with every progress report (same payload as the `progress` event). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Retry policy for network errors and 5xx/408/429 responses. */
  retry?: RetryOptions;
  /** Fail an attempt when no byte arrives for this long (ms). Default 30 000. */
  idleTimeoutMs?: number;
  /** Age (ms) after which another process's lock heartbeat counts as stale. Default 30 000. */
  lockStaleMs?: number;
  /** Download even when a verified file is already present. Default false. */
  force?: boolean;
  /** Check free disk space before downloading. Default true. */
  checkDiskSpace?: boolean;
  /** Hash on a worker thread (faster on multi-core machines). Default true. */
  hashInWorker?: boolean;
}

/** Events of a {@link DownloadHandle}. */
export interface DownloadEvents {
  /** Throttled progress (at most every 100 ms, plus phase changes). */
  progress: [progress: DownloadProgress];
  /** An attempt failed and will be retried after `delayMs`. */
  retry: [info: { attempt: number; delayMs: number; error: Error }];
  /** The `.part` bytes were discarded and the download restarts at byte 0. */
  restart: [info: { reason: RestartReason; discardedBytes: number }];
  /** Another process is downloading the same file; this one waits for it. */
  waiting: [info: { lockPath: string; holderPid: number | undefined }];
}

/**
 * A running download. Listen with `on('progress', ...)`, await `promise`,
 * stop with `cancel()`. `promise` never causes an unhandled rejection by
 * itself: a failure surfaces where you await it.
 */
export class DownloadHandle extends EventEmitter<DownloadEvents> {
  /** Settles with the result, or rejects with a `DownloadError` subclass (`AbortedError` after `cancel()`). */
  readonly promise: Promise<DownloadResult>;
  private readonly controller = new AbortController();

  /** @internal Use {@link downloadModel}. */
  constructor(start: (handle: DownloadHandle, signal: AbortSignal) => Promise<DownloadResult>, signal?: AbortSignal) {
    super();
    const combined = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    // Start on the next tick so callers can attach listeners first.
    this.promise = new Promise<void>((resolve) => setImmediate(resolve)).then(() => start(this, combined));
    this.promise.catch(() => undefined);
  }

  /** Stops the download. The promise rejects with `AbortedError`; the `.part` file stays for resuming. */
  cancel(reason = 'cancelled'): void {
    this.controller.abort(new AbortedError(`Download ${reason}`));
  }
}

/**
 * Downloads a model into the model directory and verifies it.
 *
 * `source` is a catalog name or filename (looked up in `options.catalog` or
 * the GPT4All catalog), a {@link CatalogEntry}, or an http(s) URL. Bytes go
 * to `<file>.part` (resumed with `Range` + `If-Range` across restarts), the
 * result is checked (size, then md5/sha256), fsynced and atomically renamed:
 * a file under the final name is always complete and verified. Concurrent
 * downloads of one file (threads or processes) share a lock: one transfers,
 * the others wait and reuse its result.
 *
 * A resume appends only a body whose `Content-Range` starts where the part
 * ends (RFC 9110 §14.4); a response that does not match its request is
 * answered by one restart without `Range`, then `DownloadProtocolError`.
 * The promise rejects with `ChecksumError` (size or digest of the complete
 * file differ), `DownloadProtocolError` (range or length not as requested or
 * announced), `DownloadHttpError`, `DownloadNetworkError` (after retries),
 * `InsufficientDiskError`, `UnsafeFilenameError`, `ModelNotFoundError`,
 * `CatalogUnavailableError`/`CatalogInvalidError` (name lookups),
 * `LockLostError` or `AbortedError`.
 *
 * @example
 * const handle = downloadModel('Llama 3.2 1B Instruct', { onProgress: (p) => console.log(p.bytes, p.total) });
 * const { path } = await handle.promise;
 */
export function downloadModel(source: ModelSource, options: DownloadModelOptions = {}): DownloadHandle {
  return new DownloadHandle(async (handle, signal) => {
    try {
      const directory = defaultModelPath({ modelPath: options.modelPath });
      const target = await resolveDownloadTarget(source, {
        filename: options.filename,
        expectedSize: options.expectedSize,
        checksum: options.checksum,
        catalog: options.catalog,
        catalogUrl: options.catalogUrl,
        ca: options.ca,
        cacheDir: directory,
        signal,
      });
      const headers = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      return await runDownload(target, {
        directory,
        force: options.force ?? false,
        headers,
        ca: options.ca,
        retry: options.retry ?? {},
        idleTimeoutMs: options.idleTimeoutMs,
        lockStaleMs: options.lockStaleMs,
        checkDiskSpace: options.checkDiskSpace ?? true,
        hashInWorker: options.hashInWorker ?? true,
        signal,
        events: {
          progress: (progress) => {
            options.onProgress?.(progress);
            handle.emit('progress', progress);
          },
          retry: (info) => handle.emit('retry', info),
          restart: (info) => handle.emit('restart', info),
          waiting: (info) => handle.emit('waiting', info),
        },
      });
    } catch (error) {
      // Whatever failed while aborting (a socket, a read) is reported as the abort.
      if (signal.aborted && !AbortedError.isInstance(error)) throw abortedErrorFrom(signal);
      throw error;
    }
  }, options.signal);
}

export type { DownloadResult, RestartReason };
