import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /health`: `{ status: 'ok', models: [{ id, running, waiting }] }` while serving (a closing
 * server answers 503 to every new request). Needs no API key, for load balancers and probes.
 */
export function healthRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/health', async () => ({
    status: 'ok',
    models: context.registry.models.map((m) => ({ id: m.id, running: m.admission.running, waiting: m.admission.waiting })),
  }));
}
