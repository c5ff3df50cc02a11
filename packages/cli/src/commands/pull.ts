import { AbortedError, defaultModelPath, downloadModel, retrieveModel, type DownloadProgress } from '@gpt4all/download';
import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import { formatBytes } from '../format-bytes.js';
import { listenForInterrupt, signalExitCode } from '../interrupt-signal.js';
import { addModelSourceOptions, downloadCatalogOptions, type ModelSourceFlags } from '../model-source-options.js';
import { createDownloadReporter } from '../progress/download-reporter.js';

/** A model in the model directory, whoever fetched it. */
interface PulledModel {
  /** The file to load (a split model's first part). */
  path: string;
  /** Every file of the model. */
  parts: string[];
  /** False when a verified copy was already there. */
  downloaded: boolean;
}

/**
 * `gpt4all pull <model>`: downloads a catalog model (by name or file name), a Hugging Face file
 * (`hf:owner/repo/file.gguf`, `hf:owner/repo:Q4_K_M`) or a URL into the model directory, with
 * `@gpt4all/download`'s guarantees: resumed from a `.part` file left by an earlier attempt,
 * verified against the catalog's (or the Hub's) size and checksum before it takes its final
 * name. Progress goes to stderr (a bar on a terminal, lines otherwise); the model's path is
 * printed on stdout. Ctrl-C keeps the partial file for the next `pull` and exits 130.
 */
export function pullCommand(): Command {
  const command = new Command('pull')
    .description('download a model into the model directory (resumable, checksum-verified)')
    .argument('<model>', 'catalog name or file name, hf:owner/repo/file.gguf, hf:owner/repo:QUANT, or an http(s) URL');
  addModelSourceOptions(command);
  return command.action(async (model: string, flags: ModelSourceFlags) => {
    process.exitCode = await pull(model, flags);
  });
}

async function pull(model: string, flags: ModelSourceFlags): Promise<number> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(model) && !/^https?:\/\//i.test(model)) {
    throw new UsageError(`cannot pull ${model}: only http(s) URLs can be downloaded`);
  }
  const modelPath = defaultModelPath({ modelPath: flags.modelsDir });
  const reporter = createDownloadReporter(model);
  const onProgress = (progress: DownloadProgress): void => reporter.update(progress);
  const interrupt = listenForInterrupt();
  let pulled: PulledModel;
  try {
    if (/^https?:\/\//i.test(model)) {
      const result = await downloadModel(model, { modelPath, onProgress, signal: interrupt.signal }).promise;
      pulled = { path: result.path, parts: [result.path], downloaded: result.status === 'downloaded' };
    } else {
      const catalog = await downloadCatalogOptions(flags);
      pulled = await retrieveModel(model, { ...catalog, modelPath, allowDownload: true, onProgress, signal: interrupt.signal });
    }
  } catch (error) {
    reporter.finish();
    if (interrupt.received && AbortedError.isInstance(error)) {
      process.stderr.write(`interrupted: the partial download is kept in ${modelPath}; \`gpt4all pull ${model}\` resumes it\n`);
      return signalExitCode(interrupt.received);
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
  reporter.finish();
  let size = 0;
  for (const part of pulled.parts) size += (await stat(part)).size;
  process.stderr.write(pulled.downloaded ? `pulled ${model} (${formatBytes(size)})\n` : `${model} is already installed (${formatBytes(size)}, verified)\n`);
  process.stdout.write(`${pulled.path}\n`);
  return ExitCode.ok;
}
