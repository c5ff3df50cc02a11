/**
 * Destination of a response body. The transport pushes each chunk as it arrives and, while the sink
 * is full, waits for `whenReady` before reading more (back-pressure reaches the server through TCP or
 * HTTP/2 flow control), so memory stays bounded by the sink whatever the body size.
 */
export interface BodySink {
  /** Body bytes as they arrived; the sink copies what it keeps (the caller may reuse `bytes`). */
  push(bytes: Uint8Array): void;
  /** False while the sink holds as much as it will buffer; reading should pause until `whenReady`. */
  readonly hasRoom: boolean;
  /** Resolves when the sink has room again (or failed). */
  whenReady(): Promise<void>;
  /** Set when the sink cannot continue (disk error, too many bytes); stops the transfer. */
  readonly failure: Error | undefined;
}
