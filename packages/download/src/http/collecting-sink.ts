import type { BodySink } from './body-sink.js';

/** A {@link BodySink} that keeps the whole body in memory, up to `limit` bytes (for small documents such as catalogs). */
export class CollectingSink implements BodySink {
  failure: Error | undefined;
  readonly hasRoom = true;
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(private readonly limit: number) {}

  push(bytes: Uint8Array): void {
    this.total += bytes.length;
    if (this.total > this.limit) this.failure ??= new Error(`response larger than ${this.limit} bytes`);
    else this.chunks.push(Buffer.from(bytes));
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  /** The body received so far. */
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
