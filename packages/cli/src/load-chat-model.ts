import { loadModel, type Model } from '@gpt4all/chat';
import type { DownloadProgress } from '@gpt4all/download';
import { basename } from 'node:path';
import { catalogSource, resolveModelArgument, type ModelSourceFlags } from './model-source-options.js';
import { createDownloadReporter, type DownloadReporter } from './progress/download-reporter.js';
import { LoadProgressLine } from './progress/load-progress-line.js';

/** How `chat` and `run` load their model. */
export interface LoadChatModelOptions extends ModelSourceFlags {
  /** CPU threads of the model's contexts. Default: the engine's (physical cores). */
  threads?: number;
  /** Cancels a download or the load (Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * Loads a model by catalog name, file name, `hf:` reference or path, as `@gpt4all/chat`'s
 * `loadModel` does (downloading a catalog model that is missing), showing the download and load
 * progress on stderr: stdout stays for the model's text.
 * @throws what `loadModel` throws: `ModelNotFoundError` (`ERR_MODEL_NOT_FOUND`), `ModelLoadError`, download errors.
 */
export async function loadChatModel(name: string, options: LoadChatModelOptions): Promise<Model> {
  let download: DownloadReporter | undefined;
  // A path is shown by its file name: the line must fit the terminal.
  const label = /[/\\]/.test(name) && !name.startsWith('hf:') ? basename(name) : name;
  const load = new LoadProgressLine(label);
  try {
    return await loadModel(resolveModelArgument(name, options), {
      modelPath: options.modelsDir,
      catalog: catalogSource(options),
      threads: options.threads,
      // One conversation at a time: one sequence, half the KV cache of the default pool.
      parallel: 1,
      signal: options.signal,
      onDownloadProgress: (progress: DownloadProgress) => {
        download ??= createDownloadReporter(label);
        download.update(progress);
      },
      onLoadProgress: (fraction) => {
        download?.finish();
        load.update(fraction);
      },
    });
  } finally {
    download?.finish();
    load.finish();
  }
}
