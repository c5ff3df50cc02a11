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
}
