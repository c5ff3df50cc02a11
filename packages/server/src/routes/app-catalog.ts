import { partialDownloadBytes, type CatalogEntry } from '@gpt4all/download';
import type { FastifyInstance } from 'fastify';
import type { AppCatalogEntry } from '../app-api/app-api.js';
import { requestSignal } from '../request-signal.js';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /api/catalog` → `{ entries: AppCatalogEntry[] }`: the server's catalog (`catalogUrl`), with
 * whether each model is installed and the bytes of an unfinished download of it; entries GPT4All
 * hides from its UI (`disableGUI`) are left out.
 * 503 `ERR_CATALOG_UNAVAILABLE` when neither the network nor the cache has it.
 */
export function appCatalogRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/catalog', async (_request, reply): Promise<{ entries: AppCatalogEntry[] }> => {
    const [catalog, installed] = await Promise.all([context.catalog.fetch(requestSignal(reply.raw, context.shutdown)), context.appModels.installed()]);
    const files = new Set(installed.filter((m) => m.complete).map((m) => m.filename));
    const shown = catalog.entries.filter((entry) => entry.disableGUI !== true);
    return {
      entries: await Promise.all(
        shown.map(async (entry) => {
          // A catalog whose file name is not a plain file name has nothing on disk to resume.
          const partial = await partialDownloadBytes(context.appModels.modelsDir, entry.filename).catch(() => 0);
          return appCatalogEntry(entry, files.has(entry.filename), partial);
        }),
      ),
    };
  });
}

function appCatalogEntry(entry: CatalogEntry, installed: boolean, partialBytes: number): AppCatalogEntry {
  return {
    name: entry.name,
    filename: entry.filename,
    sizeBytes: numberOrNull(entry.filesize),
    ramRequiredGiB: numberOrNull(entry.ramrequired),
    parameters: entry.parameters ?? null,
    quantization: entry.quant ?? null,
    description: entry.description ?? null,
    installed,
    partialBytes,
  };
}

/** A catalog's decimal string (validated by the catalog parser) as a number. */
function numberOrNull(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}
