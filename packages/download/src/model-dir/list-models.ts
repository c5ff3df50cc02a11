import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { fetchCatalog } from '../catalog/fetch-catalog.js';
import { findCatalogEntry } from '../catalog/find-catalog-entry.js';
import type { Catalog } from '../catalog/parse-catalog.js';
import { defaultModelPath } from '../model-path.js';
import { splitParts } from './split-parts.js';

/** Options of {@link listModels} and {@link removeModel}. */
export interface ModelDirectoryOptions {
  /** The model directory. Default {@link defaultModelPath}. */
  modelPath?: string;
  /**
   * Catalog to name the files by. Default: the GPT4All catalog cached in the model directory,
   * if any (never the network). `false`: none.
   */
  catalog?: Catalog | readonly CatalogEntry[] | false;
  /** URL of the catalog whose cached copy is read when `catalog` is not given. */
  catalogUrl?: string;
}

/** A model installed in the model directory. */
export interface InstalledModel {
  /** File name: the model's file, or a split model's first part (`…-00001-of-00003.gguf`). */
  filename: string;
  /** Absolute path of that file (what `loadModel` takes). */
  path: string;
  /** Size in bytes; of a split model, the total of the parts present. */
  size: number;
  /** Last modification time; of a split model, the latest of its parts. */
  modifiedAt: Date;
  /** The catalog's display name when the file is a catalog entry's `filename`. */
  catalogName: string | undefined;
  /** Absolute paths of the model's files present, first part first (one for single files). */
  parts: string[];
  /** False for a split model with parts missing (it cannot be loaded). */
  complete: boolean;
}

/**
 * The models installed in the model directory, sorted by file name: every `.gguf` file, with
 * split models (`…-0000N-of-0000M.gguf`) listed once. Downloads in progress (`.part`), locks and
 * the hidden bookkeeping folders are not models. A missing directory lists nothing.
 */
export async function listModels(options: ModelDirectoryOptions = {}): Promise<InstalledModel[]> {
  const directory = defaultModelPath({ modelPath: options.modelPath });
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const groups = new Map<string, { names: string[]; count: number }>();
  for (const name of names) {
    if (name.startsWith('.') || !name.toLowerCase().endsWith('.gguf')) continue;
    const split = splitParts(name);
    const first = split?.names[0] ?? name;
    const group = groups.get(first) ?? { names: [], count: split?.count ?? 1 };
    group.names.push(name);
    groups.set(first, group);
  }
  const catalog = await catalogOf(options, directory);
  const models: InstalledModel[] = [];
  for (const [filename, group] of groups) {
    const infos = await Promise.all(
      group.names.sort().map(async (name) => ({ path: join(directory, name), info: await stat(join(directory, name)).catch(() => undefined) })),
    );
    const files = infos.filter((file) => file.info?.isFile());
    if (files.length === 0) continue;
    models.push({
      filename,
      path: join(directory, filename),
      size: files.reduce((total, file) => total + file.info!.size, 0),
      modifiedAt: new Date(Math.max(...files.map((file) => file.info!.mtimeMs))),
      catalogName: catalog && findCatalogEntry(catalog, filename)?.name,
      parts: files.map((file) => file.path),
      complete: files.length === group.count,
    });
  }
  return models.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

/** The catalog given, or the one cached in `directory` (no network); `undefined` without one. */
export async function catalogOf(options: ModelDirectoryOptions, directory: string): Promise<Catalog | readonly CatalogEntry[] | undefined> {
  if (options.catalog === false) return undefined;
  if (options.catalog !== undefined) return options.catalog;
  return fetchCatalog({ url: options.catalogUrl, cacheDir: directory, offline: true }).catch(() => undefined);
}
