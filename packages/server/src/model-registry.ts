import { loadModel, type LoadModelOptions, type Model } from '@gpt4all/chat';
import { unsafeFilenameReason } from '@gpt4all/download';
import { Gpt4AllError } from '@gpt4all/errors';
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { AdmissionQueue, type ReleaseSlot } from './admission-queue.js';
import { ProgressThrottle } from './app-api/progress-throttle.js';
import { ApiError } from './api-error.js';
import { modelAliases, modelId } from './model-id.js';

/** How the registry loads models: `loadModel`'s options, and when. */
export interface ModelLoading {
  /** Passed to `loadModel` for every model (`contextSize` and `parallel` size its shared context). */
  loadOptions: LoadModelOptions;
  /** Load each model on its first request instead of up front. */
  lazy: boolean;
  parallel: number;
  maxQueue: number;
  /** Told whenever a model's admission numbers change (for the metrics). */
  onAdmission?: (id: string, state: { running: number; waiting: number }) => void;
  /** Told when a load starts (`loading`, 0), as it goes (`progress` from 0 to 1) and how it ends (`loaded` or `failed` with why). */
  onLoad?: (id: string, report: LoadReport) => void;
  /** The model directory (absolute): its `.gguf` files can be named by file name and are served on demand. */
  modelsDir?: string;
  /**
   * Most models loaded at once: before another loads, the least recently used idle model served
   * on demand is unloaded (those given to the server stay). Undefined: no limit.
   */
  maxLoaded?: number;
  /** @internal Set by the registry: awaited before each load (makes room under `maxLoaded`). */
  beforeLoad?: (served: ServedModel) => Promise<void>;
}

/** Where a model's load stands (see {@link ModelLoading.onLoad}). */
export interface LoadReport {
  state: ModelState;
  /** 0 to 1. */
  progress: number;
  error: string | null;
}

/** Where a served model stands: loaded at startup or by a request, not loaded yet (`loadOnFirstRequest`), or its last load failed. */
export type ModelState = 'loaded' | 'loading' | 'unloaded' | 'failed';

/** A model the server serves: its id and other names, its admission queue, and the model once loaded. */
export class ServedModel {
  readonly source: string;
  readonly id: string;
  readonly admission: AdmissionQueue;
  #aliases: string[];
  #loading: Promise<Model> | undefined;
  #options: LoadModelOptions;
  #state: ModelState;
  #loadError: string | undefined;
  #loaded: Model | undefined;
  #onLoad: ModelLoading['onLoad'];
  #hooks: ModelLoading;
  /** When a request last asked for the model (`performance.now()`, ms): the least recent is unloaded first. */
  lastUsed = 0;
  /** True for a model of the model directory served because a request named it (not one of `ServeOptions.models`). */
  readonly onDemand: boolean;

  /** @internal Made by {@link ModelRegistry}. */
  constructor(source: string, model: Model | undefined, loading: ModelLoading, onDemand = false) {
    this.source = source;
    this.id = modelId(source, model);
    this.#aliases = modelAliases(source, model);
    this.#options = { ...loading.loadOptions };
    this.#loading = model && Promise.resolve(model);
    this.#loaded = model;
    this.#state = model ? 'loaded' : 'unloaded';
    this.#onLoad = loading.onLoad;
    this.#hooks = loading;
    this.onDemand = onDemand;
    this.admission = new AdmissionQueue(loading.parallel, loading.maxQueue, (state) => loading.onAdmission?.(this.id, state));
  }

  /** The model while it is loaded, else undefined. */
  get loaded(): Model | undefined {
    return this.#state === 'loaded' ? this.#loaded : undefined;
  }

  /** Its file, when known: the loaded model's, or the path it was given as. */
  get path(): string | undefined {
    return this.#loaded?.info.path ?? (isAbsolute(this.source) ? this.source : undefined);
  }

  /** Tokens each sequence of its context holds, while loaded. */
  get contextSize(): number | undefined {
    return this.loaded?.defaultContextSize(undefined);
  }

  /** The `contextSize` it is loaded (or will be) with; undefined for the model's default. */
  get requestedContextSize(): number | undefined {
    return this.#options.contextSize;
  }

  /** Whether a request may name the model `name`: its id or one of its other names. */
  answersTo(name: string): boolean {
    return name === this.id || this.#aliases.includes(name);
  }

  /**
   * The model, loaded on the first call when it was not loaded at startup; requests that arrive
   * during the load wait for the same one. A failed load is tried again by the next request.
   */
  model(): Promise<Model> {
    this.lastUsed = performance.now();
    // A model spread over RPC workers whose worker failed cannot compute any more: load it again
    // (the worker may be back; if not, the load says so).
    if (this.#loaded?.engine.rpcError() && !this.#loaded.engine.disposed) {
      const broken = this.#loaded;
      this.#loading = undefined;
      this.#loaded = undefined;
      this.#state = 'unloaded';
      // Requests still on it end with the worker's error; then it is freed.
      void broken.dispose().catch(() => {});
    }
    if (!this.#loading) {
      const report = (state: ModelState, progress: number, error: string | null = null) => this.#onLoad?.(this.id, { state, progress, error });
      const throttle = new ProgressThrottle<number>((progress) => {
        if (this.#loading === loading) report('loading', progress);
      });
      const options = { ...this.#options, onLoadProgress: (progress: number) => throttle.push(progress, progress >= 1) };
      const beforeLoad = this.#hooks.beforeLoad?.(this) ?? Promise.resolve();
      const loading = beforeLoad.then(() => loadModel(this.source, options));
      this.#loading = loading;
      this.#state = 'loading';
      report('loading', 0);
      loading.then(
        (model) => {
          throttle.cancel();
          if (this.#loading !== loading) return;
          this.#aliases = [...new Set([...this.#aliases, ...modelAliases(this.source, model)])];
          this.#loaded = model;
          this.#state = 'loaded';
          this.#loadError = undefined;
          report('loaded', 1);
        },
        (error: unknown) => {
          throttle.cancel();
          if (this.#loading !== loading) return;
          this.#loading = undefined;
          this.#state = 'failed';
          this.#loadError = error instanceof Error ? error.message : String(error);
          report('failed', 0, this.#loadError);
        },
      );
    }
    return this.#loading;
  }

  /**
   * Loads the model again with `contextSize` tokens per sequence (undefined: the server's),
   * once the requests running on it are done: it takes every slot of its admission queue, so
   * requests in flight finish on the old one and new ones wait for the new one.
   * @throws the load error; `ApiError` 429 when its queue is full; `signal`'s reason.
   */
  async reload(contextSize: number | undefined, signal: AbortSignal): Promise<Model> {
    return this.#exclusively(signal, async () => {
      await this.#unload();
      this.#options = { ...this.#options, contextSize };
      return this.model();
    });
  }

  /**
   * Frees the model once the requests running on it are done (as {@link reload} waits); the next
   * request loads it again.
   */
  async unload(signal: AbortSignal): Promise<void> {
    await this.#exclusively(signal, () => this.#unload());
  }

  async #exclusively<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const releases: ReleaseSlot[] = [];
    try {
      for (let i = 0; i < this.admission.parallel; i++) releases.push(await this.admission.acquire(signal));
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }

  async #unload(): Promise<void> {
    const loading = this.#loading;
    this.#loading = undefined;
    this.#loaded = undefined;
    this.#state = 'unloaded';
    this.#loadError = undefined;
    await loading?.then((model) => model.dispose(), () => {});
    this.#onLoad?.(this.id, { state: 'unloaded', progress: 0, error: null });
  }

  /** Whether the model is loaded: `failed` until a request loads it after a failed load. */
  get state(): ModelState {
    return this.#state;
  }

  /** Why the last load failed, while {@link state} is `failed`. */
  get loadError(): string | undefined {
    return this.#state === 'failed' ? this.#loadError : undefined;
  }

  /** Frees the model (waiting for a load in progress). */
  async dispose(): Promise<void> {
    const loading = this.#loading;
    this.#loading = Promise.reject(new Gpt4AllError('ERR_DISPOSED', 'the server is closing'));
    this.#loading.catch(() => {});
    this.#loaded = undefined;
    await loading?.then((model) => model.dispose(), () => {});
  }
}

/**
 * The served models, found by id or alias: those the server was given, and any model of the model
 * directory a request names by its file name (added then, and loaded on its first request).
 */
export class ModelRegistry {
  #models: ServedModel[];
  #loading: ModelLoading;
  #disposed = false;

  private constructor(models: ServedModel[], loading: ModelLoading) {
    this.#models = models;
    this.#loading = loading;
    loading.beforeLoad = (served) => this.#makeRoom(served);
  }

  /**
   * Unloads the least recently used idle models served on demand until `served` can load within
   * `maxLoaded` (a model with requests running or waiting is never unloaded under them; when
   * every loaded model is busy or was given to the server, `served` loads anyway).
   */
  async #makeRoom(served: ServedModel): Promise<void> {
    const max = this.#loading.maxLoaded;
    if (max === undefined) return;
    const loaded = () => this.#models.filter((m) => m !== served && (m.state === 'loaded' || m.state === 'loading'));
    const idle = loaded()
      .filter((m) => m.onDemand && m.state === 'loaded' && m.admission.running === 0 && m.admission.waiting === 0)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const model of idle) {
      if (loaded().length < max) return;
      await model.unload(new AbortController().signal);
    }
  }

  /** The served models: those given first, then those of the model directory served since. */
  get models(): readonly ServedModel[] {
    return this.#models;
  }

  /**
   * Loads every model in turn (unless `loading.lazy`), each under the id of its file name.
   * @throws the load error of a model that cannot be loaded (after freeing those loaded before it),
   *   or `ERR_INVALID_ARGUMENT` when two models get the same id.
   */
  static async open(sources: readonly string[], given: ModelLoading): Promise<ModelRegistry> {
    // One object for the registry and its models: the registry sets its `beforeLoad` hook in it.
    const loading: ModelLoading = { ...given };
    const models: ServedModel[] = [];
    try {
      for (const source of sources) {
        const model = loading.lazy ? undefined : await loadModel(source, loading.loadOptions);
        const served = new ServedModel(source, model, loading);
        models.push(served);
        const twin = models.find((m) => m !== served && (m.answersTo(served.id) || served.answersTo(m.id)));
        if (twin) throw new Gpt4AllError('ERR_INVALID_ARGUMENT', `two models would be served as '${served.id}' (${JSON.stringify(twin.source)} and ${JSON.stringify(source)})`);
      }
    } catch (error) {
      await Promise.all(models.map((m) => m.dispose()));
      throw error;
    }
    return new ModelRegistry(models, loading);
  }

  /**
   * The model a request names.
   * @throws {ApiError} 404 `model_not_found` listing the ids there are.
   */
  find(name: string, param = 'model'): ServedModel {
    const found = this.#models.find((m) => m.answersTo(name)) ?? this.#models.find((m) => m.id.toLowerCase() === name.toLowerCase()) ?? this.#installed(name);
    if (found) return found;
    const ids = this.#models.length > 0 ? this.#models.map((m) => `'${m.id}'`).join(', ') : 'none loaded';
    const where = this.#loading.modelsDir ? ` (or a .gguf file of ${this.#loading.modelsDir})` : '';
    throw new ApiError(`The model '${name}' does not exist on this server. Models: ${ids}${where}.`, { status: 404, param, code: 'model_not_found' });
  }

  /** The served model whose file is `path`, if any. */
  findByPath(path: string): ServedModel | undefined {
    return this.#models.find((m) => m.path === path || (!isAbsolute(m.source) && this.#loading.modelsDir !== undefined && join(this.#loading.modelsDir, m.source) === path));
  }

  /** Stops serving a model whose file was removed (one given to the server too: it cannot load any more). */
  forget(served: ServedModel): void {
    this.#models = this.#models.filter((m) => m !== served);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.all(this.#models.map((m) => m.dispose()));
  }

  /** A model of the model directory named by its file name (`.gguf` may be left out), served from now on. */
  #installed(name: string): ServedModel | undefined {
    const directory = this.#loading.modelsDir;
    if (directory === undefined || this.#disposed || unsafeFilenameReason(name) !== undefined) return undefined;
    const file = [name, `${name}.gguf`].find((candidate) => candidate.toLowerCase().endsWith('.gguf') && isFile(join(directory, candidate)));
    if (file === undefined) return undefined;
    const path = join(directory, file);
    if (dirname(path) !== directory || basename(path) !== file) return undefined;
    const served = new ServedModel(path, undefined, this.#loading, true);
    this.#models.push(served);
    return served;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
