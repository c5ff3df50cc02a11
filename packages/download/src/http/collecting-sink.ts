import type { BodySink } from './http-exchange.js';

const CHUNK_BYTES = 64 * 1024;

/** A {@link BodySink} that keeps the whole body in memory, up to `limit` bytes (for small documents such as catalogs). */
export class CollectingSink implements BodySink {
  failure: Error | undefined;
  private readonly chunks: Uint8Array[] = [];
  private used = CHUNK_BYTES;
  private total = 0;

  constructor(private readonly limit: number) {}

  region(): Uint8Array | undefined {
    if (this.failure) return undefined;
    if (this.used === CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.used = 0;
    }
    return (this.chunks[this.chunks.length - 1] as Uint8Array).subarray(this.used);
  }

  commit(count: number): void {
    this.used += count;
    this.count(count);
  }

  push(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length && !this.failure) {
      const target = this.region() as Uint8Array;
      const take = Math.min(target.length, bytes.length - offset);
      target.set(bytes.subarray(offset, offset + take));
      offset += take;
      this.commit(take);
    }
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  /** The body received so far. */
  result(): Buffer {
    const whole = Buffer.concat(this.chunks);
    return whole.subarray(0, this.total);
  }

  private count(bytes: number): void {
    this.total += bytes;
    if (this.total > this.limit) this.failure = new Error(`response larger than ${this.limit} bytes`);
  }
}
