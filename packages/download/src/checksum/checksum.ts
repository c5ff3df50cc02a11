import { createHash, type Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { abortedErrorFrom, throwIfAborted } from '../control/abort-signal.js';
import { HASH_WORKER_SOURCE } from './hash-worker-source.js';

/** Digest algorithms found in GPT4All catalogs. */
export type ChecksumAlgorithm = 'md5' | 'sha256';

/** An expected digest: algorithm and lower-case hex value. */
export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
}

/**
 * A running digest. Updates are queued in order; each resolves once its bytes
 * are hashed, after which the caller may reuse the memory it passed.
 */
export interface IncrementalHash {
  readonly algorithm: ChecksumAlgorithm;
  /** Hashes `view`. With a worker, a `SharedArrayBuffer`-backed view is read without copying. */
  update(view: Uint8Array): Promise<void>;
  /** Hashes the first `length` bytes of the file at `path` (used to resume a `.part` file). */
  updateFromFile(path: string, length: number, onProgress?: (bytes: number) => void): Promise<void>;
  /** Lower-case hex digest of everything hashed so far. Call once. */
  digest(): Promise<string>;
  /** Frees the worker, if any. Safe to call more than once. */
  dispose(): void;
}

/** Options of {@link createIncrementalHash}. */
export interface IncrementalHashOptions {
  /**
   * Hash on a worker thread so that hashing overlaps network and disk I/O
   * instead of slowing the event loop down. Default true; falls back to the
   * main thread if a worker cannot be started.
   */
  worker?: boolean;
}

const FILE_CHUNK = 4 * 1024 * 1024;

/** Starts an incremental digest of `algorithm`. */
export function createIncrementalHash(
  algorithm: ChecksumAlgorithm,
  options: IncrementalHashOptions = {},
): IncrementalHash {
  if (options.worker !== false) {
    try {
      return new WorkerHash(algorithm);
    } catch {
      // Worker threads unavailable (restricted runtime): hash inline.
    }
  }
  return new InlineHash(algorithm);
}

/**
 * Digest of a whole file, streamed in fixed-size chunks (constant memory),
 * on a worker thread. Rejects with an `AbortedError` when `signal` aborts.
 */
export async function hashFile(
  path: string,
  algorithm: ChecksumAlgorithm,
  options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<string> {
  throwIfAborted(options.signal);
  const { size } = await stat(path);
  const hash = createIncrementalHash(algorithm);
  const onAbort = (): void => hash.dispose();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await hash.updateFromFile(path, size, options.onProgress);
    return await hash.digest();
  } catch (error) {
    if (options.signal?.aborted) throw abortedErrorFrom(options.signal);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    hash.dispose();
  }
}

/** Case-insensitive digest comparison. */
export function sameDigest(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

class InlineHash implements IncrementalHash {
  private readonly hash: Hash;

  constructor(readonly algorithm: ChecksumAlgorithm) {
    this.hash = createHash(algorithm);
  }

  async update(view: Uint8Array): Promise<void> {
    this.hash.update(view);
  }

  async updateFromFile(path: string, length: number, onProgress?: (bytes: number) => void): Promise<void> {
    const handle = await open(path, 'r');
    const chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK, Math.max(1, length)));
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, length - done), done);
        if (bytesRead === 0) throw new Error(`${path} is shorter than ${length} bytes`);
        this.hash.update(chunk.subarray(0, bytesRead));
        done += bytesRead;
        onProgress?.(done);
      }
    } finally {
      await handle.close();
    }
  }

  async digest(): Promise<string> {
    return this.hash.digest('hex');
  }

  dispose(): void {}
}

interface Pending {
  resolve: (value: string | undefined) => void;
  reject: (error: Error) => void;
  onProgress: ((bytes: number) => void) | undefined;
}

class WorkerHash implements IncrementalHash {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(readonly algorithm: ChecksumAlgorithm) {
    this.worker = new Worker(HASH_WORKER_SOURCE, { eval: true, workerData: { algorithm } });
    this.worker.on('message', (message: { id: number; error?: string; digest?: string; progress?: number }) => {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      if (message.progress !== undefined) {
        entry.onProgress?.(message.progress);
        return;
      }
      this.pending.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.digest);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('hash worker stopped')));
  }

  update(view: Uint8Array): Promise<void> {
    // A SharedArrayBuffer is shared with the worker; anything else is copied by postMessage.
    if (view.buffer instanceof SharedArrayBuffer) {
      return this.send({ type: 'update', buffer: view.buffer, offset: view.byteOffset, length: view.byteLength }).then(() => undefined);
    }
    // Copy explicitly: Buffer#slice would share (and post) the whole pool.
    const copy = new Uint8Array(view.byteLength);
    copy.set(view);
    return this.send({ type: 'update', buffer: copy.buffer, offset: 0, length: copy.byteLength }, undefined, [copy.buffer]).then(() => undefined);
  }

  async updateFromFile(path: string, length: number, onProgress?: (bytes: number) => void): Promise<void> {
    if (length > 0) await this.send({ type: 'file', path, length }, onProgress);
  }

  async digest(): Promise<string> {
    const digest = await this.send({ type: 'digest' });
    if (digest === undefined) throw new Error('hash worker returned no digest');
    return digest;
  }

  dispose(): void {
    this.fail(new Error('hash disposed'));
    void this.worker.terminate();
  }

  private send(
    message: Record<string, unknown>,
    onProgress?: (bytes: number) => void,
    transfer: ArrayBuffer[] = [],
  ): Promise<string | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(this.failure);
    this.pending.clear();
  }
}
