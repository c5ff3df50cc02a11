import { ApiError } from './api-error.js';

/** Releases an admitted request's slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

/** What an {@link AdmissionQueue} reports whenever its numbers change. */
export interface AdmissionObserver {
  (state: { running: number; waiting: number }): void;
}

interface Waiter {
  admit: (release: ReleaseSlot) => void;
}

/**
 * Admission control for one model: at most `parallel` requests run at once (the sequences the
 * model decodes together), at most `maxQueue` more wait their turn in arrival order, and any
 * further request is refused at once with 429 and a `Retry-After` estimated from how long
 * recent requests held their slot.
 */
export class AdmissionQueue {
  readonly parallel: number;
  readonly maxQueue: number;
  #running = 0;
  #waiting: Waiter[] = [];
  #observe: AdmissionObserver;
  // Exponential moving average of how long a request holds its slot, in ms.
  #holdMs = 1000;

  constructor(parallel: number, maxQueue: number, observe: AdmissionObserver = () => {}) {
    this.parallel = parallel;
    this.maxQueue = maxQueue;
    this.#observe = observe;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a slot. `signal` (the client went away, or the server is closing) takes a waiting
   * request out of the queue.
   * @throws {ApiError} 429 `rate_limit_exceeded` with `Retry-After` (seconds) when the queue is full.
   * @throws the signal's reason when it aborts first.
   */
  acquire(signal: AbortSignal): Promise<ReleaseSlot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.parallel) return Promise.resolve(this.#grant());
    if (this.#waiting.length >= this.maxQueue) {
      const seconds = Math.min(60, Math.max(1, Math.ceil(((this.#waiting.length / this.parallel + 1) * this.#holdMs) / 1000)));
      return Promise.reject(
        new ApiError(`This model is busy: ${this.#running} requests are running and ${this.#waiting.length} waiting. Retry after ${seconds} s.`, {
          status: 429,
          code: 'rate_limit_exceeded',
          headers: { 'retry-after': String(seconds) },
        }),
      );
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        this.#notify();
        reject(signal.reason);
      };
      const waiter: Waiter = {
        admit: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#notify();
    });
  }

  #grant(): ReleaseSlot {
    this.#running++;
    this.#notify();
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holdMs = 0.8 * this.#holdMs + 0.2 * (performance.now() - started);
      this.#running--;
      const next = this.#waiting.shift();
      if (next) next.admit(this.#grant());
      else this.#notify();
    };
  }

  #notify() {
    this.#observe({ running: this.#running, waiting: this.#waiting.length });
  }
}
