import { listModels, type InstalledModel } from '@gpt4all/download';
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ModelRegistry, ServedModel } from '../model-registry.js';
import { modelId } from '../model-id.js';
import type { AppModel } from './app-api.js';
import { GgufSummaries } from './gguf-summary.js';
import type { ServerCatalog } from './server-catalog.js';

/**
 * The models the web app can chat with (`GET /api/models`): the served ones, then every other
 * complete model of the model directory (which the registry serves once a request names it).
 * Files are described from their GGUF header without loading them; loaded models from the model.
 */
export class AppModelList {
  #registry: ModelRegistry;
  #catalog: ServerCatalog;
  readonly modelsDir: string;
  #summaries = new GgufSummaries();

  constructor(registry: ModelRegistry, catalog: ServerCatalog, modelsDir: string) {
    this.#registry = registry;
    this.#catalog = catalog;
    this.modelsDir = modelsDir;
  }

  /** The installed models of the model directory (split models once, by their first part). */
  async installed(): Promise<InstalledModel[]> {
    return listModels({ modelPath: this.modelsDir, ...(await this.#catalog.directoryOptions()) });
  }

  async list(): Promise<AppModel[]> {
    const installed = await this.installed();
    const shown = new Set<InstalledModel>();
    const models: AppModel[] = [];
    for (const served of this.#registry.models) {
      const file = installed.find((m) => m.path === served.path || served.answersTo(m.filename));
      if (file) shown.add(file);
      models.push(this.describe(served, file));
    }
    for (const file of installed) {
      if (shown.has(file) || !file.complete) continue;
      const summary = this.#summaries.of(file.path, file.size, file.modifiedAt);
      models.push({
        id: modelId(file.path),
        filename: file.filename,
        sizeBytes: file.size,
        architecture: summary.architecture,
        catalogName: file.catalogName ?? null,
        state: 'unloaded',
        loadError: null,
        contextSize: null,
        trainedContextSize: summary.trainedContextSize,
        chatTemplate: null,
        bosToken: null,
        eosToken: null,
      });
    }
    return models;
  }

  /** A served model as the app sees it; `file`: its entry of the model directory, when it is one. */
  describe(served: ServedModel, file?: InstalledModel): AppModel {
    const loaded = served.loaded;
    const path = file?.path ?? served.path;
    const stats = path === undefined ? undefined : statOrUndefined(path);
    const summary = path !== undefined && stats ? this.#summaries.of(path, stats.size, stats.mtime) : undefined;
    const format = loaded?.templateInfo().format;
    const catalogTemplate = loaded?.catalogEntry?.chatTemplate;
    return {
      id: served.id,
      filename: file?.filename ?? (path !== undefined && dirname(path) === this.modelsDir ? basename(path) : null),
      sizeBytes: file?.size ?? stats?.size ?? loaded?.info.sizeBytes ?? 0,
      architecture: loaded?.info.architecture ?? summary?.architecture ?? null,
      catalogName: loaded?.catalogEntry?.name ?? file?.catalogName ?? null,
      state: served.state,
      loadError: served.loadError ?? null,
      contextSize: served.contextSize ?? null,
      trainedContextSize: loaded?.info.contextLength ?? summary?.trainedContextSize ?? null,
      // GPT4All's precedence: the catalog's template wins over the file's own.
      chatTemplate: (typeof catalogTemplate === 'string' ? catalogTemplate : undefined) ?? format?.chatTemplate ?? null,
      bosToken: format?.bosToken ?? null,
      eosToken: format?.eosToken ?? null,
    };
  }
}

function statOrUndefined(path: string) {
  try {
    const info = statSync(path);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}
