import { CATALOG_URL_ENV, defaultModelPath, fetchCatalog, type Catalog } from '@gpt4all/download';
import { Option, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';


/** Where models live and which catalog names them: the flags every model command takes. */
export interface ModelSourceFlags {
  /** `--models-dir`: the model directory. Default: `@gpt4all/download`'s `defaultModelPath()` (`$GPT4ALL_MODEL_PATH`, else `~/.cache/gpt4all`). */
  modelsDir?: string;
  /** `--catalog-url`: URL or path of the catalog. Default `$GPT4ALL_CATALOG_URL`, else GPT4All's. */
  catalogUrl?: string;
}

/** Adds `--models-dir <dir>` and `--catalog-url <url|file>` to `command`. */
export function addModelSourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--models-dir <dir>', 'model directory (default: $GPT4ALL_MODEL_PATH, else ~/.cache/gpt4all)'))
    .addOption(new Option('--catalog-url <url|file>', `models3.json catalog to resolve names with (default: $${CATALOG_URL_ENV}, else GPT4All's)`));
}

/** The catalog source the flags and environment name, as a URL or an absolute path; undefined for GPT4All's. */
export function catalogSource(flags: ModelSourceFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const source = flags.catalogUrl ?? (env[CATALOG_URL_ENV]?.trim() || undefined);
  if (source === undefined || isUrl(source)) return source;
  return resolve(source);
}

/**
 * The catalog options of `@gpt4all/download`'s functions (`retrieveModel`, `listModels`,
 * `removeModel`), which take a URL as `catalogUrl` and a local file as a parsed `catalog`.
 * @throws `CatalogInvalidError` (`ERR_CATALOG_INVALID`) for a catalog file that does not parse; Node's `ENOENT` for a missing one.
 */
export async function downloadCatalogOptions(flags: ModelSourceFlags): Promise<{ catalog?: Catalog; catalogUrl?: string }> {
  const source = catalogSource(flags);
  if (source === undefined) return {};
  if (isUrl(source)) return { catalogUrl: source };
  return { catalog: await fetchCatalog({ file: source }) };
}

/**
 * The model a command is given, as `loadModel` should see it: a bare name that is a file in the
 * working directory, and not one in the model directory, is that file (`gpt4all run model.gguf`
 * in the folder that holds it), where `loadModel` alone would look in the model directory and the
 * catalog. Anything else is passed on as it is.
 */
export function resolveModelArgument(name: string, flags: ModelSourceFlags): string {
  if (/[/\\]/.test(name) || name.startsWith('hf:')) return name;
  const here = resolve(name);
  const inModelDirectory = join(defaultModelPath({ modelPath: flags.modelsDir }), name);
  return isFile(here) && !existsSync(inModelDirectory) ? here : name;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}
