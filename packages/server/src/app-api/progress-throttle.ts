/**
 * Sends progress reports at most once per `intervalMs` (ms), except those marked final (a phase
 * change, the end), which go at once: clients redraw a progress bar at most ~10 times a second,
 * however often the engine or the network reports. A report held back is not lost: the latest
 * one goes out when the interval ends (a transfer that stalls still shows how far it got).
 */
export class ProgressThrottle<T> {
  readonly intervalMs: number;
  readonly #send: (value: T) => void;
  #last = -Infinity;
  #pending: { value: T } | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (value: T) => void, intervalMs = 100) {
    this.#send = send;
    this.intervalMs = intervalMs;
  }

  /** Reports `value`: sent now, or (unless a later one replaces it) when the interval ends. */
  push(value: T, final = false): void {
    const wait = this.intervalMs - (performance.now() - this.#last);
    if (final || wait <= 0) {
      this.#flushNow(value);
      return;
    }
    this.#pending = { value };
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      if (this.#pending) this.#flushNow(this.#pending.value);
    }, wait);
  }

  /** Drops a report held back (the work ended; its final report says so). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }

  #flushNow(value: T): void {
    this.cancel();
    this.#last = performance.now();
    this.#send(value);
  }
}
