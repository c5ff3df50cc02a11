import type { ToolCall } from './chat-tools.js';

/**
 * One piece of a streamed reply: answer text, reasoning (a thinking model's thoughts, kept apart
 * from the answer), a tool call once it is complete, or the result of a tool the session ran.
 */
export type ReplyPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'tool-result'; toolCallId: string; name: string; content: string };

/**
 * A streamed reply: iterate it for the answer's text (`for await (const text of stream)`), or
 * `stream.parts` for every {@link ReplyPart} (reasoning and tool calls too); use one of the two.
 * `result` settles with the whole outcome once generation ends, also when a loop is left early
 * (which aborts the reply).
 */
export interface TextStream<Result> extends AsyncIterable<string> {
  readonly result: Promise<Result>;
  readonly parts: AsyncIterable<ReplyPart>;
}

/**
 * Turns a callback-driven generation into a {@link TextStream}. `start` receives the function to
 * emit parts with and the signal that leaving a loop early raises.
 */
export function textStream<Result>(start: (emit: (part: ReplyPart) => void, signal: AbortSignal) => Promise<Result>): TextStream<Result> {
  const stop = new AbortController();
  const close = () => stop.abort(new Error('the stream was closed before it ended'));
  const texts = new ChunkBuffer<string>(close);
  const parts = new ChunkBuffer<ReplyPart>(close);
  const result = start((part) => {
    if (part.type === 'text') texts.push(part.text);
    if (!('text' in part) || part.text !== '') parts.push(part);
  }, stop.signal);
  result.then(
    () => (texts.end(), parts.end()),
    (error: unknown) => (texts.end(error), parts.end(error)),
  );
  // A caller that only iterates still sees a failure, through the iterator.
  result.catch(() => {});
  return { result, parts: { [Symbol.asyncIterator]: () => parts }, [Symbol.asyncIterator]: () => texts };
}

/** A buffer between a producer that never waits and a consumer that pulls. */
class ChunkBuffer<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #onClose: () => void;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(item: T): void {
    if (this.#ended || item === '') return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting.resolve({ value: item, done: false });
    else this.#items.push(item);
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

  next(): Promise<IteratorResult<T>> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
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
