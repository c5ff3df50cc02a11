import type { FastifyInstance } from 'fastify';
import type { DownloadState, StartDownloadRequest } from '../app-api/app-api.js';
import type { ServerContext } from '../server-context.js';

const START_SCHEMA = { type: 'object', required: ['filename'], properties: { filename: { type: 'string', minLength: 1 } } } as const;

/**
 * The web app's download routes (see `DownloadManager`):
 * - `GET /api/downloads` → `{ downloads: DownloadState[] }`;
 * - `POST /api/downloads` `{ filename }` → 202 `DownloadState`: starts (or resumes) the catalog
 *   entry's download; 404 `model_not_found` when the catalog has none, 400 for an unsafe name;
 * - `DELETE /api/downloads/:filename` → `DownloadState` (`cancelled`, the partial file kept);
 *   404 `download_not_found` when none is running.
 */
export function appDownloadsRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/downloads', async (): Promise<{ downloads: DownloadState[] }> => ({ downloads: context.downloads.list() }));

  app.post<{ Body: StartDownloadRequest }>('/api/downloads', { schema: { body: START_SCHEMA } }, async (request, reply) => {
    const state = await context.downloads.start(request.body.filename);
    return reply.code(202).send(state);
  });

  app.delete<{ Params: { filename: string } }>('/api/downloads/:filename', async (request): Promise<DownloadState> => context.downloads.cancel(request.params.filename));
}
