import type { EmbeddingModelV4, EmbeddingModelV4CallOptions, EmbeddingModelV4Result } from '@ai-sdk/provider';
import type { EmbedOptions, Model } from '@gpt4all/chat';
import { loaded } from './loaded-model.js';

/**
 * Settings of an embedding model (`gpt4all.embeddingModel(modelId, settings)`): those of
 * `@gpt4all/chat`'s `model.embed()`.
 */
export interface Gpt4AllEmbeddingSettings {
  /**
   * Task prefix (Nomic Embed: `'search_document'`, `'search_query'`, `'clustering'`,
   * `'classification'`). Default: the model's default where GPT4All knows the model (Nomic:
   * `'search_document'`), else none. `providerOptions.gpt4all.prefix` sets it per call.
   */
  prefix?: string;
  /** Vector length (Matryoshka truncation, renormalised). Default: the model's embedding length; a call's `dimensions` wins. */
  dimensions?: number;
  /** A text longer than the context: `'mean'` (default) of overlapping chunks, or `'truncate'`. */
  longText?: EmbedOptions['longText'];
}

/**
 * A local GGUF embedding model (BERT, Nomic Embed, ...) as an AI SDK embedding model
 * (specification v4): unit vectors from `model.embed()`, texts batched together.
 */
export class Gpt4AllEmbeddingModel implements EmbeddingModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'gpt4all';
  readonly modelId: string;
  /** Texts per `doEmbed`: `embedMany` splits larger lists, so an abort lands between batches. */
  readonly maxEmbeddingsPerCall = 256;
  /** One model embeds one batch at a time. */
  readonly supportsParallelCalls = false;
  readonly #settings: Gpt4AllEmbeddingSettings;
  readonly #model: () => Promise<Model>;

  /** @internal Use the provider: `createGpt4All().embeddingModel(modelId, settings)`. */
  constructor(modelId: string, settings: Gpt4AllEmbeddingSettings, model: () => Promise<Model>) {
    this.modelId = modelId;
    this.#settings = settings;
    this.#model = model;
  }

  async doEmbed(options: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
    const model = await loaded(this.#model, options.abortSignal);
    const extra = (options.providerOptions?.gpt4all ?? {}) as { prefix?: string };
    const prefix = extra.prefix ?? this.#settings.prefix ?? null;
    const vectors = await model
      .embed(options.values, { prefix, dimensionality: options.dimensions ?? this.#settings.dimensions, longText: this.#settings.longText, signal: options.abortSignal })
      .catch((error: unknown) => {
        // Stopped by the caller: the signal's reason, as for language models and `fetch`.
        throw options.abortSignal?.aborted ? options.abortSignal.reason : error;
      });
    const tokens = options.values.reduce((sum, text) => sum + model.engine.tokenize(text).length, 0);
    return { embeddings: vectors.map((vector) => Array.from(vector)), usage: { tokens }, warnings: [] };
  }
}
