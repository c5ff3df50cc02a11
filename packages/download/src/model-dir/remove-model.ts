import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { findCatalogEntry } from '../catalog/find-catalog-entry.js';
import { partPaths } from '../download/part-file.js';
import { removeVerifiedStamp } from '../download/verified-stamp.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';
import { assertSafeFilename } from '../fs/safe-filename.js';
import { isHubReference, parseHubReference } from '../hub/hub-reference.js';
import { defaultModelPath } from '../model-path.js';
import { catalogOf, type ModelDirectoryOptions } from './list-models.js';
import { splitParts } from './split-parts.js';

/**
 * Deletes an installed model from the model directory, with everything a download of it leaves
 * (`.part`, `.part.json`, `.lock`, its `.verified/` stamp). A split model is deleted whole,
 * whichever part is named. Resolves to the absolute paths deleted.
 *
 * `nameOrFile` is a file name in the model directory (`.gguf` may be omitted), a catalog display
 * name, an absolute path of a file directly in the model directory, or the `hf:` reference of a
 * file (`hf:owner/repo/path/file.gguf`, stored under its last path segment).
 *
 * @throws UnsafeFilenameError for a path outside the model directory, a relative path, or a name
 *   that is not a plain file name (the download's file-name rules).
 * @throws ModelNotFoundError (`missing-file`) when nothing of that model is there.
 */
export async function removeModel(nameOrFile: string, options: ModelDirectoryOptions = {}): Promise<string[]> {
  const directory = defaultModelPath({ modelPath: options.modelPath });
  const names = await candidateNames(nameOrFile, directory, options);
  const present = new Set(await readdir(directory).catch(() => [] as string[]));
  for (const name of names) {
    const files = (splitParts(name)?.names ?? [name]).flatMap((part) => {
      const paths = partPaths(directory, part);
      return [paths.final, paths.part, paths.meta, paths.lock].map((path) => basename(path));
    });
    const existing = files.filter((file) => present.has(file));
    if (existing.length === 0) continue;
    for (const file of existing) await unlinkIfPresent(join(directory, file));
    for (const part of splitParts(name)?.names ?? [name]) await removeVerifiedStamp(directory, part);
    return existing.map((file) => join(directory, file));
  }
  throw new ModelNotFoundError({ model: nameOrFile, searchedPaths: names.map((name) => join(directory, name)), reason: 'missing-file' });
}

/** File names `nameOrFile` may stand for, most literal first, each a safe plain name. */
async function candidateNames(nameOrFile: string, directory: string, options: ModelDirectoryOptions): Promise<string[]> {
  if (isHubReference(nameOrFile)) {
    const reference = parseHubReference(nameOrFile);
    if (reference.kind !== 'file') {
      throw new UnsafeFilenameError({ filename: nameOrFile, reason: 'a quantisation reference names no file; pass the file name' });
    }
    return [assertSafeFilename(reference.path.slice(reference.path.lastIndexOf('/') + 1))];
  }
  if (isAbsolute(nameOrFile)) {
    const path = resolve(nameOrFile);
    if (dirname(path) !== directory) {
      throw new UnsafeFilenameError({ filename: nameOrFile, reason: `not a file directly in the model directory ${directory}` });
    }
    return [assertSafeFilename(basename(path))];
  }
  if (/[/\\]/.test(nameOrFile)) {
    throw new UnsafeFilenameError({ filename: nameOrFile, reason: 'relative paths are not accepted; pass a file name or an absolute path' });
  }
  const names = [assertSafeFilename(nameOrFile)];
  if (!nameOrFile.toLowerCase().endsWith('.gguf')) names.push(`${nameOrFile}.gguf`);
  const catalog = await catalogOf(options, directory);
  const entry = catalog && findCatalogEntry(catalog, nameOrFile);
  if (entry && !names.includes(entry.filename)) names.push(assertSafeFilename(entry.filename));
  return names;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
