import { assertSafeFilename, ModelNotFoundError, removeModel } from '@gpt4all/download';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { ApiError } from '../api-error.js';
import type { AppModel, LoadModelRequest } from '../app-api/app-api.js';
import { requestSignal } from '../request-signal.js';
import type { ServerContext } from '../server-context.js';

const LOAD_SCHEMA = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 }, contextSize: { type: 'integer', minimum: 16, maximum: 2 ** 31 - 1 } },
} as const;

/**
 * The web app's model routes:
 * - `GET /api/models` → `{ models: AppModel[] }`: served models, then the other installed ones;
 * - `POST /api/models/load` `{ id, contextSize? }` → the `AppModel` once loaded (reloaded, after
 *   the requests running on it, when `contextSize` differs); 404 `model_not_found`; progress as
 *   `model-load` events;
 * - `DELETE /api/models/:filename` → 204: unloads it and deletes its file(s); 400 for a name that
 *   is not a plain file name, 404 when it is not an installed model's file (as listed), 409 while
 *   it is being downloaded.
 */
export function appModelsRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/models', async (): Promise<{ models: AppModel[] }> => ({ models: await context.appModels.list() }));

  app.post<{ Body: LoadModelRequest }>('/api/models/load', { schema: { body: LOAD_SCHEMA } }, async (request, reply): Promise<AppModel> => {
    const { id, contextSize } = request.body;
    const served = context.registry.find(id, 'id');
    const signal = requestSignal(reply.raw, context.shutdown);
    if (contextSize !== undefined && (contextSize !== served.requestedContextSize || served.state !== 'loaded')) await served.reload(contextSize, signal);
    else await served.model();
    return context.appModels.describe(served);
  });

  app.delete<{ Params: { filename: string } }>('/api/models/:filename', async (request, reply) => {
    const filename = assertSafeFilename(request.params.filename);
    // Only a model `GET /api/models` lists, by its exact file name: never another file of the
    // directory (a LocalDocs database, a download's `.part`), nor a name that `removeModel` would
    // complete to one (`x` → `x.gguf`, which may be downloading).
    const installed = (await context.appModels.installed()).find((model) => model.filename === filename);
    if (!installed) throw new ApiError(`There is no model file '${filename}' in ${context.modelsDir}.`, { status: 404, param: 'filename', code: 'model_not_found' });
    if (context.downloads.isRunning(filename)) {
      throw new ApiError(`'${filename}' is being downloaded: cancel the download first.`, { status: 409, param: 'filename', code: 'download_in_progress' });
    }
    const served = context.registry.findByPath(installed.path);
    if (served) {
      await served.unload(requestSignal(reply.raw, context.shutdown));
      context.registry.forget(served);
    }
    try {
      // Only the file name counts here: no catalog lookup turns it into another model's file.
      await removeModel(filename, { modelPath: context.modelsDir, catalog: false });
    } catch (error) {
      if (ModelNotFoundError.isInstance(error)) throw new ApiError(`There is no model file '${filename}' in ${context.modelsDir}.`, { status: 404, param: 'filename', code: 'model_not_found' });
      throw error;
    }
    // Its download is history now: the catalog shows it as downloadable again.
    context.downloads.forget(filename);
    context.events.emit({ type: 'models-changed' });
    return reply.code(204).send();
  });
}
