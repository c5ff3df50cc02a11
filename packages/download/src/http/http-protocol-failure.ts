import type { ProtocolErrorReason } from '../errors/download-protocol-error.js';

/**
 * A 200/206 response whose framing or range does not match the request (internal; a download turns it
 * into `DownloadProtocolError` with its attempt count). Not retried as such: a server that answered
 * the wrong bytes once will likely do it again.
 */
export class HttpProtocolFailure extends Error {
  constructor(
    readonly reason: ProtocolErrorReason,
    readonly status: number,
    readonly url: string,
    /** What was wrong, naming the headers and the RFC section. */
    readonly detail: string,
  ) {
    super(`HTTP ${status} from ${url}: ${detail}`);
  }
}
