import { defaultModelPath, entryFileSize, fetchCatalog, listModels, type Catalog } from '@gpt4all/download';
import { Command } from 'commander';
import { formatBytes } from '../format-bytes.js';
import { addModelSourceOptions, catalogSource, downloadCatalogOptions, type ModelSourceFlags } from '../model-source-options.js';
import { formatTable } from '../text-table.js';

interface ListFlags extends ModelSourceFlags {
  catalog?: boolean;
  json?: boolean;
}

/** One installed model, as `list --json` prints it. */
export interface InstalledModelJSON {
  filename: string;
  path: string;
  /** Bytes (all parts of a split model). */
  size: number;
  /** ISO 8601. */
  modifiedAt: string;
  /** The catalog's name for the file, or null. */
  name: string | null;
  parts: string[];
  /** False for a split model with parts missing. */
  complete: boolean;
}

/** One catalog entry, as `list --catalog --json` prints it. */
export interface CatalogModelJSON {
  name: string;
  filename: string;
  /** Bytes, or null when the catalog does not say. */
  size: number | null;
  parameters: string | null;
  quant: string | null;
  /** RAM needed, in GB, as the catalog writes it. */
  ramRequired: string | null;
  /** Whether the file is in the model directory. */
  installed: boolean;
}

/**
 * `gpt4all list`: the models in the model directory with their sizes; `--catalog`: the catalog's
 * models, with their sizes and whether each is installed. `--json` prints the same as JSON
 * ({@link InstalledModelJSON}, {@link CatalogModelJSON}) on stdout.
 */
export function listCommand(): Command {
  const command = new Command('list')
    .alias('ls')
    .description('list the installed models (--catalog: the models of the catalog)')
    .option('--catalog', 'list the catalog instead, marking what is installed')
    .option('--json', 'print JSON');
  addModelSourceOptions(command);
  return command.action(async (flags: ListFlags) => {
    const modelPath = defaultModelPath({ modelPath: flags.modelsDir });
    if (flags.catalog) await listCatalog(modelPath, flags);
    else await listInstalled(modelPath, flags);
  });
}

async function listInstalled(modelPath: string, flags: ListFlags): Promise<void> {
  const { catalog, catalogUrl } = await downloadCatalogOptions(flags);
  const models = await listModels({ modelPath, catalog, catalogUrl });
  if (flags.json) {
    const json: InstalledModelJSON[] = models.map((model) => ({
      filename: model.filename,
      path: model.path,
      size: model.size,
      modifiedAt: model.modifiedAt.toISOString(),
      name: model.catalogName ?? null,
      parts: model.parts,
      complete: model.complete,
    }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (models.length === 0) {
    process.stderr.write(`no models in ${modelPath}: \`gpt4all pull <name>\` downloads one (\`gpt4all list --catalog\` shows the catalog)\n`);
    return;
  }
  const rows = models.map((model) => [
    model.filename,
    formatBytes(model.size),
    model.modifiedAt.toISOString().slice(0, 10),
    `${model.catalogName ?? ''}${model.complete ? '' : ' (incomplete: parts missing)'}`.trim(),
  ]);
  process.stdout.write(`${formatTable(['FILE', 'SIZE', 'MODIFIED', 'NAME'], rows, new Set([1]))}\n`);
  process.stderr.write(`${models.length} model${models.length === 1 ? '' : 's'} in ${modelPath}\n`);
}

async function listCatalog(modelPath: string, flags: ListFlags): Promise<void> {
  const source = catalogSource(flags);
  const catalog: Catalog =
    source !== undefined && !/^https?:\/\//i.test(source) ? await fetchCatalog({ file: source }) : await fetchCatalog({ url: source, cacheDir: modelPath });
  if (catalog.staleReason) process.stderr.write(`warning: the catalog could not be fetched (${catalog.staleReason}); showing the copy cached at ${catalog.location}\n`);
  const installed = new Set((await listModels({ modelPath, catalog: false })).map((model) => model.filename));
  const models: CatalogModelJSON[] = catalog.entries.map((entry) => ({
    name: entry.name,
    filename: entry.filename,
    size: entryFileSize(entry) ?? null,
    parameters: entry.parameters ?? null,
    quant: entry.quant ?? null,
    ramRequired: entry.ramrequired ?? null,
    installed: installed.has(entry.filename),
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
    return;
  }
  const rows = models.map((model) => [
    model.name,
    model.filename,
    model.size === null ? '?' : formatBytes(model.size),
    model.parameters ?? '',
    model.quant ?? '',
    model.ramRequired ? `${model.ramRequired} GB` : '',
    model.installed ? 'yes' : '',
  ]);
  process.stdout.write(`${formatTable(['NAME', 'FILE', 'SIZE', 'PARAMS', 'QUANT', 'RAM', 'INSTALLED'], rows, new Set([2]))}\n`);
}
