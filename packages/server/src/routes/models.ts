import type { FastifyInstance } from 'fastify';
import type { ServedModel } from '../model-registry.js';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /v1/models` and `GET /v1/models/:model`, in OpenAI's shape: the served models, then every
 * other model of the model directory (served on demand when a request names it), by the ids the
 * web app uses too.
 */
export function modelsRoute(app: FastifyInstance, context: ServerContext, startedAt: number): void {
  const describe = (served: Pick<ServedModel, 'id'>) => ({ id: served.id, object: 'model', created: startedAt, owned_by: 'gpt4all' });
  app.get('/v1/models', async () => ({ object: 'list', data: (await context.appModels.list()).map(describe) }));
  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => describe(context.registry.find(request.params.model, 'model')));
}
