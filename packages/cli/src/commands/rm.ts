import { ModelNotFoundError, defaultModelPath, removeModel } from '@gpt4all/download';
import { Command } from 'commander';
import { addModelSourceOptions, downloadCatalogOptions, type ModelSourceFlags } from '../model-source-options.js';

/**
 * `gpt4all rm <model>`: deletes an installed model (every part of a split model, and what an
 * unfinished download left) with `@gpt4all/download`'s `removeModel`, and names each file deleted
 * on stderr. A model that is not installed is a `ModelNotFoundError` (`ERR_MODEL_NOT_FOUND`, exit 1).
 */
export function rmCommand(): Command {
  const command = new Command('rm')
    .alias('remove')
    .description('delete an installed model from the model directory')
    .argument('<model>', 'file name (.gguf may be left off), catalog name, hf: file reference, or path in the model directory');
  addModelSourceOptions(command);
  return command.action(async (model: string, flags: ModelSourceFlags) => {
    const modelPath = defaultModelPath({ modelPath: flags.modelsDir });
    const { catalog, catalogUrl } = await downloadCatalogOptions(flags);
    let removed: string[];
    try {
      removed = await removeModel(model, { modelPath, catalog, catalogUrl });
    } catch (error) {
      if (!ModelNotFoundError.isInstance(error)) throw error;
      // The same error, with the way to see what is installed.
      throw new ModelNotFoundError(
        { model, searchedPaths: error.searchedPaths, reason: error.reason, hint: `It is not installed in ${modelPath} (\`gpt4all list\` shows what is).` },
        { cause: error },
      );
    }
    for (const path of removed) process.stderr.write(`removed ${path}\n`);
  });
}
