import type { Model } from '@gpt4all/chat';

/**
 * The model, once loaded, unless `signal` aborts first: the call then rejects with the signal's
 * reason at once (the load goes on, for the next call).
 */
export async function loaded(model: () => Promise<Model>, signal: AbortSignal | undefined): Promise<Model> {
  signal?.throwIfAborted();
  if (!signal) return model();
  return new Promise<Model>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    model().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
