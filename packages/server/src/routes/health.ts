import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /health`: `{ status: 'ok', models: [{ id, state, running, waiting, error? }] }` while
 * serving (a closing server answers 503 to every new request): `state` is `loaded`, `loading`,
 * `unloaded` (`loadOnFirstRequest`) or `failed` (with the load's `error`; the next request tries
 * again). Needs no API key, for load balancers and probes.
 */
export function healthRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/health', async () => ({
    status: 'ok',
    models: context.registry.models.map((m) => ({
      id: m.id,
      state: m.state,
      running: m.admission.running,
      waiting: m.admission.waiting,
      ...(m.loadError === undefined ? {} : { error: m.loadError }),
    })),
  }));
}
