/**
 * Streamed text: iterate it for chunks (`for await (const text of stream)`); `result` settles
 * with the whole outcome once generation ends, also when the loop is left early.
 */
export interface TextStream<Result> extends AsyncIterable<string> {
  readonly result: Promise<Result>;
}

/**
 * Turns a callback-driven generation into a {@link TextStream}. `start` receives the function to
 * push chunks with and the signal that leaving the loop early raises.
 */
export function textStream<Result>(start: (push: (text: string) => void, signal: AbortSignal) => Promise<Result>): TextStream<Result> {
  const stop = new AbortController();
  const queue = new ChunkBuffer(() => stop.abort(new Error('the stream was closed before it ended')));
  const result = start((text) => queue.push(text), stop.signal);
  result.then(
    () => queue.end(),
    (error: unknown) => queue.end(error),
  );
  // A caller that only iterates still sees a failure, through the iterator.
  result.catch(() => {});
  return { result, [Symbol.asyncIterator]: () => queue };
}

/** A buffer between a producer that never waits and a consumer that pulls. */
class ChunkBuffer implements AsyncIterableIterator<string> {
  #items: string[] = [];
  #waiting: { resolve: (result: IteratorResult<string>) => void; reject: (error: unknown) => void } | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #onClose: () => void;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(text: string): void {
    if (this.#ended || text === '') return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting.resolve({ value: text, done: false });
    else this.#items.push(text);
  }

  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined) this.#failure = { error };
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting && this.#failure) waiting.reject(this.#failure.error);
    else waiting?.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<string>> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<string>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#onClose();
    }
    this.#items = [];
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
