import type { FastifyInstance } from 'fastify';
import type { ServedModel } from '../model-registry.js';
import type { ServerContext } from '../server-context.js';

/** `GET /v1/models` and `GET /v1/models/:model`: the served models, in OpenAI's shape. */
export function modelsRoute(app: FastifyInstance, context: ServerContext, startedAt: number): void {
  const describe = (served: ServedModel) => ({ id: served.id, object: 'model', created: startedAt, owned_by: 'gpt4all' });
  app.get('/v1/models', async () => ({ object: 'list', data: context.registry.models.map(describe) }));
  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => describe(context.registry.find(request.params.model, 'model')));
}
