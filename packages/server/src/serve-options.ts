import { DEFAULTS, Gpt4AllError } from '@gpt4all/chat';
import { CATALOG_URL_ENV } from '@gpt4all/download';
import { resolve } from 'node:path';

/** How {@link startServer} serves models. Only `models` is required. */
export interface ServeOptions {
  /**
   * The models to serve: paths, catalog names or file names, as `@gpt4all/chat`'s `loadModel`
   * accepts them. May be empty: every model installed in `modelsDir` is also served on demand
   * (named by its file name, loaded by its first request), which is how the web app starts on a
   * machine with nothing installed yet.
   */
  models: string[];
  /** Interface to bind. Default `'127.0.0.1'` (loopback only); another host logs a warning when there is no `apiKey`. */
  host?: string;
  /** TCP port. Default 4891 (GPT4All's API server port); 0 picks any free port. */
  port?: number;
  /**
   * Sequences each model decodes together (passed to `loadModel({ parallel })`: continuous
   * batching), and so the requests each model runs at once; more wait in its queue. Default
   * `DEFAULTS.parallel` (the engine's), at most `DEFAULTS.maxParallel`.
   */
  parallel?: number;
  /** CPU threads of each model (passed to `loadModel`). Default: the engine's (physical cores). */
  threads?: number;
  /** When set, every `/v1` and `/api` request needs `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Origins allowed to call the server from a browser (CORS; `'*'` for any). Default: CORS off. */
  cors?: string[];
  /** Tokens of each model's context (passed to `loadModel`). Default: the catalog's, else 2048. */
  contextSize?: number;
  /** Load each model on its first request instead of at startup. Default false. */
  loadOnFirstRequest?: boolean;
  /** Requests per model that may wait beyond `parallel`; more are refused with 429 and `Retry-After`. Default 32. */
  maxQueue?: number;
  /** Largest request body, in bytes; a larger one is refused with 413. Default 4 MiB. */
  bodyLimit?: number;
  /** The model directory, where names are looked up and downloads go (`loadModel`'s `modelPath`). Default: `$GPT4ALL_MODEL_PATH`, else `~/.cache/gpt4all`. */
  modelsDir?: string;
  /** Where startup warnings and one line per request go. Default: standard error. */
  log?: (line: string) => void;
  /** Milliseconds `close()` lets generations in flight run before it aborts them. Default 10 000. */
  closeGraceMs?: number;
  /**
   * Most models loaded at once. Before a model of the model directory that a request names is
   * loaded, the least recently used idle ones served that way are unloaded (those in `models`
   * stay loaded). Default 3 (as ollama's `OLLAMA_MAX_LOADED_MODELS` on a CPU).
   */
  maxLoadedModels?: number;
  /**
   * The model catalog (`models3.json` format) that names models, `GET /api/catalog` lists and
   * `POST /api/downloads` downloads from: an http(s) URL or a file path. Default
   * `$GPT4ALL_CATALOG_URL` when set (as the CLI reads it), else GPT4All's (`DEFAULT_CATALOG_URL`).
   */
  catalogUrl?: string;
  /**
   * A built web app to serve at `/` (a directory with `index.html` and `assets/`, such as
   * `@gpt4all/web`'s `dist`). Default: none (`/` answers 404 as any unknown path).
   */
  webAppDir?: string;
  /**
   * RPC workers (`host:port`) that hold part of the layers of every model served (`loadModel`'s
   * `rpcWorkers`): one spread model runs across this machine and the workers. A request to a model
   * whose worker failed answers 503 with code `ERR_RPC_UNAVAILABLE`.
   */
  rpcWorkers?: string[];
  /** With `rpcWorkers`: the share of the layers for this machine, then each worker (`loadModel`'s `rpcSplit`). */
  rpcSplit?: number[];
}

/** A server that {@link startServer} started. */
export interface RunningServer {
  /** Its base URL, such as `http://127.0.0.1:4891` (the OpenAI base URL is `url + '/v1'`). */
  url: string;
  host: string;
  /** The bound port (the one picked when `port` was 0). */
  port: number;
  /** The ids of the served models, as `GET /v1/models` lists them. */
  models: string[];
  /**
   * Stops accepting connections, lets requests in flight finish (aborting generations still
   * running after `closeGraceMs`, default 10 s), then disposes the models. Calling it again
   * returns the same promise.
   */
  close(): Promise<void>;
}

/** The defaults of {@link ServeOptions}. */
export const SERVER_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 4891,
  parallel: DEFAULTS.parallel,
  maxQueue: 32,
  bodyLimit: 4 * 1024 * 1024,
  closeGraceMs: 10_000,
  maxLoadedModels: 3,
});

/** {@link ServeOptions} with defaults filled in and values checked. */
export interface ResolvedServeOptions extends Required<Pick<ServeOptions, 'host' | 'port' | 'parallel' | 'maxQueue' | 'bodyLimit' | 'loadOnFirstRequest' | 'log' | 'closeGraceMs' | 'maxLoadedModels'>> {
  models: string[];
  threads: number | undefined;
  apiKey: string | undefined;
  cors: string[] | undefined;
  contextSize: number | undefined;
  modelsDir: string | undefined;
  /** A URL or an absolute path; undefined for GPT4All's catalog. */
  catalogUrl: string | undefined;
  /** An absolute path. */
  webAppDir: string | undefined;
  rpcWorkers: string[] | undefined;
  rpcSplit: number[] | undefined;
}

/**
 * Fills in the defaults and checks every option.
 * @throws {Gpt4AllError} `ERR_INVALID_ARGUMENT` naming the option and what it must be.
 */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const { models } = options;
  if (!Array.isArray(models) || !models.every((m) => typeof m === 'string' && m !== '')) {
    throw invalid('models must be a list of model paths, catalog names or file names');
  }
  const apiKey = options.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey === '')) throw invalid('apiKey must be a non-empty string');
  const cors = options.cors;
  if (cors !== undefined && (!Array.isArray(cors) || !cors.every((o) => typeof o === 'string' && o !== ''))) throw invalid("cors must be a list of origins (or ['*'])");
  const host = options.host ?? SERVER_DEFAULTS.host;
  if (typeof host !== 'string' || host === '') throw invalid('host must be a non-empty string');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (typeof log !== 'function') throw invalid('log must be a function');
  if (options.modelsDir !== undefined && typeof options.modelsDir !== 'string') throw invalid('modelsDir must be a string');
  const catalogUrl = options.catalogUrl ?? (process.env[CATALOG_URL_ENV]?.trim() || undefined);
  if (catalogUrl !== undefined && (typeof catalogUrl !== 'string' || catalogUrl === '')) throw invalid('catalogUrl must be a non-empty string');
  if (options.webAppDir !== undefined && (typeof options.webAppDir !== 'string' || options.webAppDir === '')) throw invalid('webAppDir must be a non-empty string');
  const { rpcWorkers, rpcSplit } = options;
  if (rpcWorkers !== undefined && (!Array.isArray(rpcWorkers) || rpcWorkers.length === 0 || !rpcWorkers.every((w) => typeof w === 'string' && /^.+:\d+$/.test(w)))) {
    throw invalid('rpcWorkers must be a non-empty list of host:port');
  }
  if (rpcSplit !== undefined && (rpcWorkers === undefined || !Array.isArray(rpcSplit) || rpcSplit.length !== rpcWorkers.length + 1 || !rpcSplit.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0))) {
    throw invalid('rpcSplit must be one non-negative share for this machine, then one per RPC worker');
  }
  return {
    models: [...models],
    host,
    port: integer('port', options.port ?? SERVER_DEFAULTS.port, 0, 65535),
    parallel: integer('parallel', options.parallel ?? SERVER_DEFAULTS.parallel, 1, DEFAULTS.maxParallel),
    maxQueue: integer('maxQueue', options.maxQueue ?? SERVER_DEFAULTS.maxQueue, 0, 1_000_000),
    bodyLimit: integer('bodyLimit', options.bodyLimit ?? SERVER_DEFAULTS.bodyLimit, 1, 2 ** 31 - 1),
    threads: options.threads === undefined ? undefined : integer('threads', options.threads, 1, 1024),
    contextSize: options.contextSize === undefined ? undefined : integer('contextSize', options.contextSize, 16, 2 ** 31 - 1),
    loadOnFirstRequest: options.loadOnFirstRequest === true,
    apiKey,
    cors: cors && [...cors],
    modelsDir: options.modelsDir,
    // A file path is made absolute now, so that it means the same wherever it is used later.
    catalogUrl: catalogUrl === undefined || /^https?:\/\//i.test(catalogUrl) ? catalogUrl : resolve(catalogUrl),
    webAppDir: options.webAppDir === undefined ? undefined : resolve(options.webAppDir),
    log,
    closeGraceMs: integer('closeGraceMs', options.closeGraceMs ?? SERVER_DEFAULTS.closeGraceMs, 0, 2 ** 31 - 1),
    maxLoadedModels: integer('maxLoadedModels', options.maxLoadedModels ?? SERVER_DEFAULTS.maxLoadedModels, 1, 1000),
    rpcWorkers: rpcWorkers && [...rpcWorkers],
    rpcSplit: rpcSplit && [...rpcSplit],
  };
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function invalid(message: string): Gpt4AllError {
  return new Gpt4AllError('ERR_INVALID_ARGUMENT', message);
}
