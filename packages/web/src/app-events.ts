/** The `/api/events` stream, read with fetch (EventSource cannot send the API key) and reconnected when it drops. */
import { apiFetch } from './api-client.js';
import type { AppEvent } from './app-api-types.js';
import { readSse } from './sse-reader.js';

const RECONNECT_MS = 2000;

/**
 * Calls `onEvent` for each event and `onConnect` each time the stream (re)opens; returns a
 * function that stops it.
 */
export function connectEvents(onEvent: (event: AppEvent) => void, onConnect: () => void): () => void {
  const controller = new AbortController();
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await apiFetch('api/events', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
        onConnect();
        if (!response.body) throw new Error('no body');
        for await (const message of readSse(response.body)) {
          try {
            onEvent(JSON.parse(message.data) as AppEvent);
          } catch {
            // A malformed event is skipped; the next refresh corrects the state.
          }
        }
      } catch {
        // Dropped or refused: try again shortly.
      }
      if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  })();
  return () => controller.abort();
}
