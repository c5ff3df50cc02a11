/** The `/api/events` stream, read with fetch (EventSource cannot send the API key) and reconnected when it drops. */
import { signal } from '@preact/signals';
import { apiFetch, ServerError } from './api-client.js';
import type { AppEvent } from './app-api-types.js';
import { readSse } from './sse-reader.js';

const RECONNECT_MS = 2000;

/**
 * The events stream's state, which is the app's view of whether the server is there: `lost` when
 * it dropped or could not be opened (not for a missing API key, which the key notice covers).
 */
export const connection = signal<'connecting' | 'open' | 'lost'>('connecting');

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
        connection.value = 'open';
        onConnect();
        if (!response.body) throw new Error('no body');
        for await (const message of readSse(response.body)) {
          try {
            onEvent(JSON.parse(message.data) as AppEvent);
          } catch {
            // A malformed event is skipped; the next refresh corrects the state.
          }
        }
        if (!controller.signal.aborted) connection.value = 'lost';
      } catch (error) {
        // Dropped or refused: try again shortly.
        if (!controller.signal.aborted && !(error instanceof ServerError && error.status === 401)) connection.value = 'lost';
      }
      if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  })();
  return () => controller.abort();
}
