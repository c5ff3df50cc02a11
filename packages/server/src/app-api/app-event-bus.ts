import type { AppEvent } from './app-api.js';

/** Told of every {@link AppEvent}. */
export type AppEventListener = (event: AppEvent) => void;

/**
 * Where the server's model loads, downloads and model-directory changes are announced, and
 * `GET /api/events` streams listen. A listener that throws is left out of that one event (a
 * client gone mid-write must not stop the others from hearing it).
 */
export class AppEventBus {
  #listeners = new Set<AppEventListener>();

  /** Listens to every event from now on; the function returned stops it. */
  subscribe(listener: AppEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {}
    }
  }

  /** Listeners now: the open event streams. */
  get size(): number {
    return this.#listeners.size;
  }
}
