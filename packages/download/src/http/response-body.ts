import type { Readable } from 'node:stream';
import type { BodySink } from './body-sink.js';

/**
 * Streams an undici response body into `sink`, chunk by chunk, pausing the stream while the sink is
 * full (nothing accumulates in between: back-pressure reaches the server). Resolves at the end of the
 * message. Rejects with the sink's failure when it stops taking bytes, and with an `ECONNRESET` error
 * naming the byte counts when the body ends short of its `Content-Length` (`contentLength`, bytes):
 * undici reports that as a closed socket or a length mismatch, and both are a truncated transfer that
 * a retry resumes. Other stream errors (timeouts, resets, malformed framing) are passed on as they are.
 */
export async function pipeBody(body: Readable, sink: BodySink, contentLength: number | undefined): Promise<void> {
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      sink.push(chunk);
      if (!sink.hasRoom && !sink.failure) await sink.whenReady();
      if (sink.failure) throw sink.failure;
    }
  } catch (error) {
    if (sink.failure) throw sink.failure;
    if (contentLength !== undefined && received < contentLength && isTruncation(error)) {
      throw Object.assign(
        new Error(`response truncated: connection closed after ${received} of the ${contentLength} body bytes announced by Content-Length`, { cause: error }),
        { code: 'ECONNRESET' },
      );
    }
    throw error;
  } finally {
    body.on('error', () => undefined).destroy(); // no-op once ended; an early stop emits an abort nobody reads
  }
}

const TRUNCATION_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE']);

function isTruncation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TRUNCATION_CODES.has(code);
}
