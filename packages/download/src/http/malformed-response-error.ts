/**
 * A response head that breaks HTTP framing (internal; a download reports it as `DownloadNetworkError`
 * without retrying: a server that breaks framing once is not trusted). undici reports a head it could
 * not parse after a `Content-Length` header as a length mismatch; before any body byte that can only
 * mean a malformed head, not a truncated body.
 */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}
