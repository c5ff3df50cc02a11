import type { FileHandle } from 'node:fs/promises';
import type { IncrementalHash } from '../checksum/checksum.js';
import type { BodySink } from '../http/http-exchange.js';

const SYNC_EVERY = 16 * 1024 * 1024;

/** Tuning of {@link BodyWriter}. */
export interface BodyWriterOptions {
  /** Bytes per slot (one disk write each). Default 1 MiB. */
  slotSize?: number;
  /** Number of slots; bounds memory to `slotSize * slots`. Default 8 (slack for a hash worker that falls briefly behind). */
  slots?: number;
}

/**
 * Streams a response body into a file at a given offset with constant memory.
 *
 * The socket reads straight into a fixed ring of slots carved from one
 * `SharedArrayBuffer`. A full slot is written to disk (one write at a time,
 * in order, so the file is always a gap-free prefix of the remote file) and
 * handed to the hash worker without copying; the slot is reused once both
 * are done. While every slot is busy the sink reports itself full and the
 * connection stops reading (TCP back-pressure).
 *
 * Invariant: after {@link BodyWriter.flush}, the file holds exactly
 * `position` bytes and the hash has seen exactly those bytes, so a retry can
 * resume at `position` whatever interrupted the transfer.
 */
export class BodyWriter implements BodySink {
  /** File offset just past the last byte received. */
  position: number;
  /** Set when a write or hash failed, or more than `limit` bytes arrived. */
  failure: Error | undefined;
  /** True when the server sent more bytes than the expected total. */
  overflowed = false;
  private readonly slots: Uint8Array[];
  private readonly busy: (Promise<void> | undefined)[];
  private current = 0;
  private fill = 0;
  private backlog: Uint8Array[] = [];
  private writeChain: Promise<void> = Promise.resolve();
  private readyWaiters: (() => void)[] = [];
  private unsyncedBytes = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly hash: IncrementalHash | undefined,
    private readonly limit: number | undefined,
    private readonly onBytes: (position: number) => void,
    options: BodyWriterOptions = {},
  ) {
    this.position = start;
    const slotSize = options.slotSize ?? 1024 * 1024;
    const count = options.slots ?? 8;
    const memory = new SharedArrayBuffer(slotSize * count);
    this.slots = Array.from({ length: count }, (_, index) => new Uint8Array(memory, index * slotSize, slotSize));
    this.busy = new Array<Promise<void> | undefined>(count).fill(undefined);
  }

  region(): Uint8Array | undefined {
    if (this.failure || this.backlog.length > 0 || this.busy[this.current]) return undefined;
    return (this.slots[this.current] as Uint8Array).subarray(this.fill);
  }

  commit(count: number): void {
    this.fill += count;
    this.advance(count);
    if (this.fill === (this.slots[this.current] as Uint8Array).length) this.submit();
  }

  push(bytes: Uint8Array): void {
    // Copies keep their order behind any earlier backlog.
    if (this.backlog.length > 0 || this.busy[this.current]) {
      this.backlog.push(copyOf(bytes));
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      if (this.busy[this.current]) {
        this.backlog.push(copyOf(bytes.subarray(offset)));
        return;
      }
      const slot = this.slots[this.current] as Uint8Array;
      const take = Math.min(slot.length - this.fill, bytes.length - offset);
      slot.set(bytes.subarray(offset, offset + take), this.fill);
      offset += take;
      this.commit(take);
    }
  }

  whenReady(): Promise<void> {
    if (this.region() !== undefined || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Writes what is buffered (backlog, partial slot) and waits for every pending write and hash. */
  async flush(): Promise<void> {
    while (this.backlog.length > 0 && !this.failure) {
      await (this.busy[this.current] ?? this.drainBacklog());
    }
    if (this.fill > 0 && !this.failure) this.submit();
    await Promise.all(this.busy);
    await this.syncing;
    if (this.failure) throw this.failure;
  }

  private advance(count: number): void {
    this.position += count;
    if (this.limit !== undefined && this.position > this.limit && !this.failure) {
      this.overflowed = true;
      this.failure = new Error(`server sent more than the expected ${this.limit} bytes`);
      this.notifyReady();
    }
    this.onBytes(this.position);
  }

  private submit(): void {
    const index = this.current;
    const view = (this.slots[index] as Uint8Array).subarray(0, this.fill);
    const filePosition = this.position - this.fill;
    this.current = (this.current + 1) % this.slots.length;
    this.fill = 0;
    if (this.failure) return;
    // Writes are chained: a crash leaves a gap-free prefix on disk.
    const written = (this.writeChain = this.writeChain.then(async () => {
      await writeFully(this.handle, view, filePosition);
      this.startBackgroundSync(view.length);
    }));
    // Hash updates are posted now; the worker processes them in order.
    const hashed = this.hash ? this.hash.update(view) : Promise.resolve();
    this.busy[index] = Promise.all([written, hashed]).then(
      () => {
        this.busy[index] = undefined;
        this.drainBacklog();
      },
      (error: Error) => {
        this.failure ??= error;
        this.busy[index] = undefined;
        this.notifyReady();
      },
    );
  }

  /**
   * Every `SYNC_EVERY` bytes, starts an fdatasync in the background (never
   * more than one at a time). The kernel then writes back while we download,
   * so the final fsync before the rename has little left to flush.
   */
  private startBackgroundSync(bytes: number): void {
    this.unsyncedBytes += bytes;
    if (this.unsyncedBytes < SYNC_EVERY || this.syncing) return;
    this.unsyncedBytes = 0;
    this.syncing = this.handle.datasync().then(
      () => {
        this.syncing = undefined;
      },
      (error: Error) => {
        this.syncing = undefined;
        this.failure ??= error;
      },
    );
  }

  private async drainBacklog(): Promise<void> {
    const pending = this.backlog;
    this.backlog = [];
    for (const [index, bytes] of pending.entries()) {
      this.push(bytes);
      if (this.backlog.length > 0) {
        // Full again: keep the rest, in order.
        this.backlog.push(...pending.slice(index + 1));
        return;
      }
    }
    this.notifyReady();
  }

  private notifyReady(): void {
    if (this.region() === undefined && !this.failure) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

async function writeFully(handle: FileHandle, view: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < view.length) {
    const { bytesWritten } = await handle.write(view, done, view.length - done, position + done);
    done += bytesWritten;
  }
}

/** A real copy (`Buffer#slice` would return a view of memory the socket reuses). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
