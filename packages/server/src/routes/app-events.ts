import type { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import type { AppEvent } from '../app-api/app-api.js';
import type { ServerContext } from '../server-context.js';

/** How often an idle event stream gets a comment, so that proxies and browsers keep it open (ms). */
const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /api/events`: a server-sent event stream of the server's {@link AppEvent}s (`event: <type>`,
 * `data: <json>`), with a `: keep-alive` comment every 15 s. A stream ends when its client goes
 * away, and when the server closes (before it waits for requests in flight, which it would
 * otherwise wait for forever).
 */
export function appEventsRoute(app: FastifyInstance, context: ServerContext): void {
  const open = new Set<PassThrough>();
  app.addHook('preClose', async () => {
    for (const body of open) body.end();
  });

  app.get('/api/events', async (_request, reply) => {
    const body = new PassThrough();
    const write = (text: string) => {
      if (!body.writableEnded && !body.destroyed) body.write(text);
    };
    const unsubscribe = context.events.subscribe((event: AppEvent) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    const stop = () => {
      clearInterval(keepAlive);
      unsubscribe();
      open.delete(body);
      body.end();
    };
    reply.raw.once('close', stop);
    body.once('close', stop);
    open.add(body);
    // A first line sends the headers now: the client knows it is subscribed before any event.
    write(': connected\n\n');
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').send(body);
  });
}
