import { loadModel, Model, type LoadModelOptions } from '@gpt4all/chat';

/** A model by name or path, or one loaded by the caller. */
export type ModelSource = string | Model;

/**
 * The model of a LangChain class: loaded at its first use (again after a failed load) and freed
 * by `dispose()`, unless the caller passed in a `Model`, which stays theirs.
 */
export class ModelHandle {
  readonly name: string;
  readonly #source: ModelSource;
  readonly #options: LoadModelOptions;
  #loading: Promise<Model> | undefined;

  constructor(source: ModelSource, options: LoadModelOptions = {}) {
    this.#source = source;
    this.#options = options;
    this.name = source instanceof Model ? source.displayName : source;
  }

  /** The model, once loaded; a `signal` that aborts first rejects at once (the load goes on, for the next call). */
  get(signal?: AbortSignal): Promise<Model> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.#source instanceof Model) return Promise.resolve(this.#source);
    if (!this.#loading) {
      const loading = loadModel(this.#source, this.#options);
      // A failed load is tried again by the next call (unless dispose() has started a new one).
      loading.catch(() => this.#loading === loading && (this.#loading = undefined));
      this.#loading = loading;
    }
    if (!signal) return this.#loading;
    const loading = this.#loading;
    return new Promise<Model>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      loading.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async dispose(): Promise<void> {
    const loading = this.#loading;
    this.#loading = undefined;
    await loading?.then((model) => model.dispose()).catch(() => {});
  }
}

/** The error a call ends with when its signal stops it (LangChain's own rule: the reason if it is an error). */
export function abortError(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  return new Error(typeof signal.reason === 'string' ? signal.reason : 'Aborted');
}
