import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import type { ApiError } from './api-error.js';

/**
 * A server-sent event stream in OpenAI's format: each event is a `data: <json>` line, the last
 * one `data: [DONE]`. Events written after the client has gone are dropped.
 */
export class SseStream {
  /** What the response sends. */
  readonly body = new PassThrough();
  #started = false;
  #onStart: (() => void) | undefined;
  /** Settles at the first event. */
  readonly started = new Promise<void>((resolve) => (this.#onStart = resolve));

  /** Writes one event. */
  send(data: unknown): void {
    this.#write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes an error event (OpenAI's clients throw it as an `APIError`). */
  fail(error: ApiError): void {
    this.send(error.toBody());
  }

  /** Writes `data: [DONE]` and ends the stream. */
  done(): void {
    this.#write('data: [DONE]\n\n');
    if (!this.body.destroyed) this.body.end();
  }

  #write(text: string) {
    if (this.body.destroyed || this.body.writableEnded) return;
    this.body.write(text);
    if (!this.#started) {
      this.#started = true;
      this.#onStart?.();
    }
  }
}

/**
 * Answers with an event stream that `produce` writes. The response starts at `produce`'s first
 * event, so that an error before it (a prompt over the context, a bad schema) is still an HTTP
 * error status with a JSON body; an error after it becomes an error event. The stream always
 * ends with `data: [DONE]`.
 */
export async function sendEventStream(reply: FastifyReply, produce: (events: SseStream) => Promise<void>, onLateError: (error: unknown) => ApiError): Promise<FastifyReply> {
  const events = new SseStream();
  const outcome = produce(events).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const first = await Promise.race([events.started.then(() => 'started' as const), outcome]);
  if (first !== 'started' && first !== undefined) {
    events.body.destroy();
    throw first.error;
  }
  void outcome.then((failure) => {
    if (failure) events.fail(onLateError(failure.error));
    events.done();
  });
  return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').send(events.body);
}
