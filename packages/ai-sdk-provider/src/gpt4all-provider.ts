import { NoSuchModelError, type ProviderV4 } from '@ai-sdk/provider';
import { loadModel, Model, type LoadModelOptions } from '@gpt4all/chat';
import { Gpt4AllChatLanguageModel } from './chat-language-model.js';
import type { Gpt4AllChatSettings } from './chat-settings.js';
import { Gpt4AllEmbeddingModel, type Gpt4AllEmbeddingSettings } from './embedding-model.js';

/**
 * Options of {@link createGpt4All}: how its models are found and loaded (those of `@gpt4all/chat`'s
 * `loadModel`: model directory, download, GPU layers, threads, context size, parallel sequences).
 */
export interface Gpt4AllProviderSettings extends Omit<LoadModelOptions, 'signal'> {}

/** A model: a catalog name, file name, `hf:` reference or path, or a `Model` you loaded yourself. */
export type Gpt4AllModelId = string | Model;

/**
 * The provider: call it (or `languageModel`) for a chat model, `embeddingModel` (or
 * `textEmbeddingModel`) for an embedding model. Each model is loaded once, at its first call, and
 * shared by every language and embedding model of the same id. `dispose()` frees the models it
 * loaded (not those passed in as `Model`).
 */
export interface Gpt4AllProvider extends ProviderV4, AsyncDisposable {
  (modelId: Gpt4AllModelId, settings?: Gpt4AllChatSettings): Gpt4AllChatLanguageModel;
  languageModel(modelId: Gpt4AllModelId, settings?: Gpt4AllChatSettings): Gpt4AllChatLanguageModel;
  embeddingModel(modelId: Gpt4AllModelId, settings?: Gpt4AllEmbeddingSettings): Gpt4AllEmbeddingModel;
  /** The same as `embeddingModel` (the AI SDK's earlier name). */
  textEmbeddingModel(modelId: Gpt4AllModelId, settings?: Gpt4AllEmbeddingSettings): Gpt4AllEmbeddingModel;
  /** Frees every model this provider loaded; calls after it load them again. */
  dispose(): Promise<void>;
}

/**
 * Creates an AI SDK provider for local GGUF models, run in this process (no server).
 *
 * @example
 * ```ts
 * import { generateText } from 'ai';
 * import { createGpt4All } from '@gpt4all/ai-sdk-provider';
 *
 * await using gpt4all = createGpt4All({ parallel: 2 });
 * const { text } = await generateText({ model: gpt4all('Llama 3.2 1B Instruct'), prompt: 'Hello!' });
 * ```
 * Loading errors (`ModelNotFoundError`, `ModelLoadError`, ...) reject the first call of a model,
 * and the next call tries again.
 */
export function createGpt4All(settings: Gpt4AllProviderSettings = {}): Gpt4AllProvider {
  const loaded = new Map<string, Promise<Model>>();
  const modelOf = (id: Gpt4AllModelId): (() => Promise<Model>) => {
    if (id instanceof Model) return () => Promise.resolve(id);
    return () => {
      let model = loaded.get(id);
      if (!model) {
        model = loadModel(id, settings);
        loaded.set(id, model);
        // A failed load is tried again by the next call (unless dispose() has started a new one).
        const failed = model;
        failed.catch(() => loaded.get(id) === failed && loaded.delete(id));
      }
      return model;
    };
  };
  const nameOf = (id: Gpt4AllModelId) => (id instanceof Model ? id.displayName : id);
  const languageModel = (id: Gpt4AllModelId, chat: Gpt4AllChatSettings = {}) => new Gpt4AllChatLanguageModel(nameOf(id), chat, modelOf(id));
  const embeddingModel = (id: Gpt4AllModelId, embedding: Gpt4AllEmbeddingSettings = {}) => new Gpt4AllEmbeddingModel(nameOf(id), embedding, modelOf(id));
  const dispose = async () => {
    const models = [...loaded.values()];
    loaded.clear();
    await Promise.all(models.map((model) => model.then((m) => m.dispose()).catch(() => {})));
  };
  const provider = (id: Gpt4AllModelId, chat?: Gpt4AllChatSettings) => languageModel(id, chat);
  return Object.assign(provider, {
    specificationVersion: 'v4' as const,
    languageModel,
    embeddingModel,
    textEmbeddingModel: embeddingModel,
    imageModel: (modelId: string): never => {
      throw new NoSuchModelError({ modelId, modelType: 'imageModel', message: 'gpt4all runs language and embedding models only' });
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  });
}
