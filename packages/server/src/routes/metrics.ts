import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/** `GET /metrics`: Prometheus' text format (see `ServerMetrics` for what is measured). */
export function metricsRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/metrics', async (_request, reply) => {
    const { text, contentType } = await context.metrics.expose();
    return reply.type(contentType).send(text);
  });
}
