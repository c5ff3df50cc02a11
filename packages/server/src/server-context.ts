import type { AppEventBus } from './app-api/app-event-bus.js';
import type { AppModelList } from './app-api/app-model-list.js';
import type { DownloadManager } from './app-api/download-manager.js';
import type { ServerCatalog } from './app-api/server-catalog.js';
import type { ModelRegistry } from './model-registry.js';
import type { ResolvedServeOptions } from './serve-options.js';
import type { ServerMetrics } from './server-metrics.js';

/** What every route of one server shares. */
export interface ServerContext {
  options: ResolvedServeOptions;
  registry: ModelRegistry;
  metrics: ServerMetrics;
  /** Aborts when the server's close grace period runs out: generations still running stop. */
  shutdown: AbortSignal;
  /** The model directory, absolute. */
  modelsDir: string;
  /** Model loads, downloads and model-directory changes, for `GET /api/events`. */
  events: AppEventBus;
  catalog: ServerCatalog;
  downloads: DownloadManager;
  /** The models `GET /api/models` lists. */
  appModels: AppModelList;
}
