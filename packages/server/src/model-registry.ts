import { loadModel, type LoadModelOptions, type Model } from '@gpt4all/chat';
import { Gpt4AllError } from '@gpt4all/errors';
import { AdmissionQueue } from './admission-queue.js';
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

  /** @internal Made by {@link ModelRegistry.open}. */
  constructor(source: string, model: Model | undefined, loading: ModelLoading) {
    this.source = source;
    this.id = modelId(source, model);
    this.#aliases = modelAliases(source, model);
    this.#options = loading.loadOptions;
    this.#loading = model && Promise.resolve(model);
    this.#state = model ? 'loaded' : 'unloaded';
    this.admission = new AdmissionQueue(loading.parallel, loading.maxQueue, (state) => loading.onAdmission?.(this.id, state));
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
    if (!this.#loading) {
      const loading = loadModel(this.source, this.#options);
      this.#loading = loading;
      this.#state = 'loading';
      loading.then(
        (model) => {
          this.#aliases = [...new Set([...this.#aliases, ...modelAliases(this.source, model)])];
          this.#state = 'loaded';
          this.#loadError = undefined;
        },
        (error: unknown) => {
          if (this.#loading !== loading) return;
          this.#loading = undefined;
          this.#state = 'failed';
          this.#loadError = error instanceof Error ? error.message : String(error);
        },
      );
    }
    return this.#loading;
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
    await loading?.then((model) => model.dispose(), () => {});
  }
}

/** The served models, found by id or alias. */
export class ModelRegistry {
  readonly models: readonly ServedModel[];

  private constructor(models: ServedModel[]) {
    this.models = models;
  }

  /**
   * Loads every model in turn (unless `loading.lazy`), each under the id of its file name.
   * @throws the load error of a model that cannot be loaded (after freeing those loaded before it),
   *   or `ERR_INVALID_ARGUMENT` when two models get the same id.
   */
  static async open(sources: readonly string[], loading: ModelLoading): Promise<ModelRegistry> {
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
    return new ModelRegistry(models);
  }

  /**
   * The model a request names.
   * @throws {ApiError} 404 `model_not_found` listing the ids there are.
   */
  find(name: string, param = 'model'): ServedModel {
    const found = this.models.find((m) => m.answersTo(name)) ?? this.models.find((m) => m.id.toLowerCase() === name.toLowerCase());
    if (found) return found;
    const ids = this.models.map((m) => `'${m.id}'`).join(', ');
    throw new ApiError(`The model '${name}' does not exist on this server. Models: ${ids}.`, { status: 404, param, code: 'model_not_found' });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.models.map((m) => m.dispose()));
  }
}
