import type { ServerResponse } from 'node:http';

/** Why a request's work was stopped. */
export class RequestAbortedError extends Error {
  /** `'client'`: the client closed its connection; `'shutdown'`: the server's close grace period ran out. */
  readonly by: 'client' | 'shutdown';

  constructor(by: 'client' | 'shutdown') {
    super(by === 'client' ? 'the client closed the connection' : 'the server is closing');
    this.name = 'RequestAbortedError';
    this.by = by;
  }
}

/**
 * A signal that aborts when the client goes away before its response is complete (the socket
 * closes: a dropped connection, an aborted fetch, a stream left early) or when `shutdown`
 * aborts. Its `reason` is a {@link RequestAbortedError} saying which. Generation given this
 * signal stops within one token.
 */
export function requestSignal(response: ServerResponse, shutdown: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new RequestAbortedError('client'));
    shutdown.removeEventListener('abort', onShutdown);
  };
  const onShutdown = () => controller.abort(new RequestAbortedError('shutdown'));
  if (shutdown.aborted) onShutdown();
  else shutdown.addEventListener('abort', onShutdown, { once: true });
  response.once('close', onClose);
  if (response.destroyed) onClose();
  return controller.signal;
}
