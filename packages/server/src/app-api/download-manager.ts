import { AbortedError, assertSafeFilename, downloadModel, findCatalogEntry, type DownloadHandle } from '@gpt4all/download';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../api-error.js';
import type { DownloadState } from './app-api.js';
import type { AppEventBus } from './app-event-bus.js';
import type { ServerCatalog } from './server-catalog.js';

interface Download {
  state: DownloadState;
  /** While it runs. */
  handle: DownloadHandle | undefined;
  /** Settles when it has stopped, whatever the outcome. */
  settled: Promise<void>;
}

/**
 * The model downloads the server runs into its model directory (`downloadModel` of
 * `@gpt4all/download`: resumable from the `.part` file, checksum-verified, atomically renamed),
 * at most one per file name at a time. Every change of a download is announced as a `download`
 * event (progress at most 10 times a second), and a finished one as `models-changed` too.
 */
export class DownloadManager {
  readonly modelsDir: string;
  #catalog: ServerCatalog;
  #events: AppEventBus;
  #downloads = new Map<string, Download>();
  #closed = false;

  constructor(options: { modelsDir: string; catalog: ServerCatalog; events: AppEventBus }) {
    this.modelsDir = options.modelsDir;
    this.#catalog = options.catalog;
    this.#events = options.events;
  }

  /** Every download since the server started, the latest of each file, in the order they started. */
  list(): DownloadState[] {
    return [...this.#downloads.values()].map((download) => ({ ...download.state }));
  }

  /** Forgets the finished (or cancelled, or failed) download of `filename`: its file was removed. */
  forget(filename: string): void {
    if (!this.isRunning(filename)) this.#downloads.delete(filename);
  }

  /** Whether a download of `filename` is running. */
  isRunning(filename: string): boolean {
    return this.#downloads.get(filename)?.handle !== undefined;
  }

  /**
   * Starts downloading the catalog entry `filename` (resuming from its `.part` file when there is
   * one); a download of it that is running already is answered as it stands.
   * @throws `UnsafeFilenameError` (`ERR_UNSAFE_FILENAME`) for a name that is not a plain file name.
   * @throws {ApiError} 404 `model_not_found` when the catalog has no such entry; 503 when closing.
   * @throws the catalog's errors (`CatalogUnavailableError`...).
   */
  async start(filename: string): Promise<DownloadState> {
    assertSafeFilename(filename);
    const running = this.#downloads.get(filename);
    if (running?.handle) return { ...running.state };
    const catalog = await this.#catalog.fetch();
    const entry = catalog.entries.find((e) => e.filename === filename) ?? findCatalogEntry(catalog, filename);
    if (!entry || entry.filename !== filename) {
      throw new ApiError(`The catalog has no model with the file name '${filename}'.`, { status: 404, param: 'filename', code: 'model_not_found' });
    }
    // Checked again after the await: another request may have started it meanwhile.
    const again = this.#downloads.get(filename);
    if (again?.handle) return { ...again.state };
    if (this.#closed) throw new ApiError('The server is shutting down.', { status: 503, code: 'server_shutting_down' });
    const partBytes = await stat(join(this.modelsDir, `${filename}.part`)).then((info) => info.size, () => 0);
    const total = entry.filesize === undefined ? null : Number(entry.filesize);
    const state: DownloadState = { filename, name: entry.name, state: 'downloading', receivedBytes: partBytes, totalBytes: total, bytesPerSecond: 0, error: null };
    const handle = downloadModel(entry, {
      modelPath: this.modelsDir,
      onProgress: (progress) => {
        if (progress.total !== undefined) state.totalBytes = progress.total;
        state.bytesPerSecond = progress.speed;
        // While resuming, `bytes` counts the part's bytes hashed so far, not bytes on disk.
        if (progress.phase === 'downloading') state.receivedBytes = progress.bytes;
        if (progress.phase === 'verifying') {
          state.state = 'verifying';
          state.receivedBytes = state.totalBytes ?? state.receivedBytes;
        }
        // downloadModel reports at most 10 times a second (and once more when a transfer stalls).
        this.#announce(state);
      },
    });
    const download: Download = { state, handle, settled: Promise.resolve() };
    download.settled = handle.promise.then(
      (result) => {
        Object.assign(state, { state: 'done', receivedBytes: result.size, totalBytes: result.size, bytesPerSecond: 0 });
      },
      (error: unknown) => {
        if (AbortedError.isInstance(error)) Object.assign(state, { state: 'cancelled', bytesPerSecond: 0 });
        else Object.assign(state, { state: 'failed', bytesPerSecond: 0, error: error instanceof Error ? error.message : String(error) });
      },
    ).then(() => {
      download.handle = undefined;
      this.#announce(state);
      if (state.state === 'done') this.#events.emit({ type: 'models-changed' });
    });
    this.#downloads.delete(filename);
    this.#downloads.set(filename, download);
    this.#announce(state);
    return { ...state };
  }

  /**
   * Cancels the running download of `filename`; its `.part` file stays, so that starting it again
   * resumes it. Resolves once it has stopped.
   * @throws {ApiError} 404 `download_not_found` when none of that file is running.
   */
  async cancel(filename: string): Promise<DownloadState> {
    const download = this.#downloads.get(filename);
    if (!download?.handle) throw new ApiError(`No download of '${filename}' is running.`, { status: 404, param: 'filename', code: 'download_not_found' });
    download.handle.cancel();
    await download.settled;
    return { ...download.state };
  }

  /** Cancels every running download and waits for them to stop (server close). */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#downloads.values()].filter((d) => d.handle);
    for (const download of running) download.handle?.cancel('stopped: the server is closing');
    await Promise.all(running.map((d) => d.settled));
  }

  #announce(state: DownloadState) {
    this.#events.emit({ type: 'download', download: { ...state } });
  }
}
