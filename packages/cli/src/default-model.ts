import { defaultModelPath, listModels } from '@gpt4all/download';
import type { ModelSourceFlags } from './model-source-options.js';
import { UsageError } from './usage-error.js';

/**
 * The model to use when the command line names none: the only model installed in the model
 * directory (its path). `usage` shows how to name one, such as `gpt4all chat <model>`.
 * @throws {UsageError} when none is installed (saying how to get one), or several are (listing them).
 */
export async function defaultModel(usage: string, flags: ModelSourceFlags): Promise<string> {
  const directory = defaultModelPath({ modelPath: flags.modelsDir });
  const installed = (await listModels({ modelPath: directory, catalog: false })).filter((model) => model.complete);
  if (installed.length === 1) return installed[0]!.path;
  if (installed.length === 0) {
    throw new UsageError(
      `no model given, and none is installed in ${directory}: download one with \`gpt4all pull <name>\` (\`gpt4all list --catalog\` shows the catalog), or name one: \`${usage}\``,
    );
  }
  throw new UsageError(
    `no model given, and ${installed.length} are installed (\`gpt4all list\` shows them): name one (\`${usage}\`); installed: ${installed.map((model) => model.filename).join(', ')}`,
  );
}
