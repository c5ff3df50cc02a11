import type { EmbedOptions, LoadModelOptions, Model } from '@gpt4all/chat';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { ModelHandle, type ModelSource } from './model-handle.js';

/** Options of {@link Gpt4AllEmbeddings}. */
export interface Gpt4AllEmbeddingsParams extends EmbeddingsParams {
  /** A catalog name, file name, `hf:` reference or path (loaded at the first call), or a `Model` you loaded. */
  model: ModelSource;
  /** How the model is found and loaded (`@gpt4all/chat`'s `loadModel` options). */
  loadOptions?: LoadModelOptions;
  /**
   * Task prefix of `embedDocuments`. Default: `'search_document'` for Nomic Embed (GPT4All's
   * default), the model's own default for other models GPT4All knows, none for the rest.
   */
  documentPrefix?: string;
  /** Task prefix of `embedQuery`. Default: `'search_query'` for Nomic Embed, else as `documentPrefix`. */
  queryPrefix?: string;
  /** Vector length: the first `dimensionality` components, renormalised (Matryoshka; Nomic Embed v1.5). Default: the full length. */
  dimensionality?: number;
  /** A text longer than the context: `'mean'` (default) of overlapping chunks, or `'truncate'`. */
  longText?: EmbedOptions['longText'];
}

/**
 * A local GGUF embedding model (Nomic Embed, BERT, ...) as LangChain embeddings: unit vectors from
 * `@gpt4all/chat`'s `model.embed()`, with Nomic's task prefixes (documents and queries embedded
 * as `search_document: …` and `search_query: …`) and Matryoshka `dimensionality`, as GPT4All's
 * `Embed4All` does. Free the model with `dispose()`.
 *
 * @example
 * ```ts
 * const embeddings = new Gpt4AllEmbeddings({ model: 'nomic-embed-text-v1.5.f16.gguf', dimensionality: 256 });
 * const vectors = await embeddings.embedDocuments(['The cat sat.', 'A dog barked.']);
 * ```
 */
export class Gpt4AllEmbeddings extends Embeddings implements AsyncDisposable {
  readonly model: string;
  readonly #handle: ModelHandle;
  readonly #params: Gpt4AllEmbeddingsParams;

  constructor(params: Gpt4AllEmbeddingsParams) {
    super(params);
    this.#params = params;
    this.#handle = new ModelHandle(params.model, params.loadOptions);
    this.model = this.#handle.name;
  }

  /** One vector (numbers of unit length) per text, in order; texts are batched together. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await this.#handle.get();
    // Not through `this.caller`: its retries are for network calls, and a local error does not go away.
    const vectors = await model.embed(texts, this.#options(model, 'document'));
    return vectors.map((vector) => Array.from(vector));
  }

  async embedQuery(text: string): Promise<number[]> {
    const model = await this.#handle.get();
    return Array.from(await model.embed(text, this.#options(model, 'query')));
  }

  #options(model: Model, kind: 'document' | 'query'): EmbedOptions {
    const tasks = model.embeddingTasks;
    const nomic = tasks?.includes('search_query') === true;
    const given = kind === 'document' ? this.#params.documentPrefix : (this.#params.queryPrefix ?? (nomic ? undefined : this.#params.documentPrefix));
    // Otherwise the model's default where GPT4All knows it, none where it does not.
    const prefix = given ?? (kind === 'query' && nomic ? 'search_query' : null);
    return { prefix, dimensionality: this.#params.dimensionality, longText: this.#params.longText };
  }

  /** Frees the model, if this instance loaded it. */
  async dispose(): Promise<void> {
    await this.#handle.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
