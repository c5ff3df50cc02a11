import { loadModel as loadEngineModel, type LoadModelOptions as EngineLoadModelOptions } from '@gpt4all/core';
import { locateModel, type LocateModelOptions } from './locate-model.js';
import { Model } from './model.js';

/** Options of {@link loadModel}: where to find the model, and how to run it. */
export interface LoadModelOptions extends LocateModelOptions, Pick<EngineLoadModelOptions, 'rpcWorkers' | 'rpcSplit' | 'rpcTimeoutMs'> {
  /** Force a native variant (`cpu-avx2`, `cuda`, ...) instead of the best one for this machine. */
  backend?: string;
  /** Layers to put on the GPU: `'auto'` (the default: as many as the free VRAM holds, 0 on CPU), `'max'` or a count. */
  gpuLayers?: 'auto' | 'max' | number;
  /** CPU threads of the model's contexts (sessions, completions). Default: the physical cores this process may use. */
  threads?: number;
  /**
   * Tokens each sequence of the model's shared context holds (sessions without a `contextSize`
   * of their own, `complete()`, `createCompletion()`). Default: the catalog's `contextLength`,
   * else `DEFAULTS.contextSize` (GPT4All's n_ctx); never above the training length.
   */
  contextSize?: number;
  /**
   * Sequences the model's shared context decodes together (continuous batching): this many
   * `createCompletion()` calls and chat sessions generate at once, the rest wait their turn.
   * Each sequence has its own part of the KV cache (`contextSize` tokens). Default
   * `DEFAULTS.parallel`.
   */
  parallel?: number;
  /** Load progress, from 0 to 1 (after any download). */
  onLoadProgress?: (progress: number) => void;
}

/**
 * Loads a model, the way GPT4All's `GPT4All(model_name, ...)` does:
 * - a catalog name (`'Llama 3.2 1B Instruct'`) or file name (`'Llama-3.2-1B-Instruct-Q4_0.gguf'`)
 *   is looked up in the model directory and downloaded (verified) when missing and allowed;
 * - a Hugging Face reference, `'hf:owner/repo/path/file.gguf'` or `'hf:owner/repo:Q4_K_M'` (the
 *   repository's file of that quantisation), likewise, verified against the Hub's sha256; a split
 *   model's parts are all downloaded and the first part is loaded (`HF_TOKEN` for gated repositories);
 * - a path (`'/models/x.gguf'`, `'./x.gguf'`) is loaded as it is.
 *
 * @example
 * ```ts
 * const model = await loadModel('Llama 3.2 1B Instruct');
 * const chat = model.createChatSession({ systemMessage: 'Be brief.' });
 * console.log((await chat.send('Hello!')).text);
 * ```
 * @throws `ModelNotFoundError` (`ERR_MODEL_NOT_FOUND`) when the model is neither on disk nor
 *   downloadable; its message lists every path it looked at.
 * @throws `HubAuthError` (`ERR_HUB_AUTH`) when the Hub refuses a gated repository (set `HF_TOKEN`),
 *   `QuantNotFoundError` (`ERR_QUANT_NOT_FOUND`, listing the quantisations there are).
 * @throws `ModelLoadError` for a file that is not a loadable GGUF model.
 */
export async function loadModel(nameOrPath: string, options: LoadModelOptions = {}): Promise<Model> {
  const { path, entry } = await locateModel(nameOrPath, options);
  const engine = await loadEngineModel(path, {
    backend: options.backend,
    gpuLayers: options.gpuLayers,
    onProgress: options.onLoadProgress,
    signal: options.signal,
    rpcWorkers: options.rpcWorkers,
    rpcSplit: options.rpcSplit,
    rpcTimeoutMs: options.rpcTimeoutMs,
  });
  return new Model(engine, entry, { threads: options.threads, parallel: options.parallel, contextSize: options.contextSize });
}
