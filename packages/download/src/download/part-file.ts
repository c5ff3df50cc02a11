import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectedChecksum } from '../checksum/checksum.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { assertSafeFilename } from '../fs/safe-filename.js';

/** Files that make up a download of `filename` into a directory. */
export interface PartPaths {
  /** Final model file; only ever created by an atomic rename of `part`. */
  final: string;
  /** Bytes received so far (a prefix of the remote file). */
  part: string;
  /** Resume metadata of `part` (validators, size, checksum). */
  meta: string;
  /** Cross-process lock of this download. */
  lock: string;
}

/**
 * What is known about the remote file a `.part` file is a prefix of. Written
 * before the first byte, so a resume after a crash knows what it resumes.
 */
export interface PartMeta {
  version: 1;
  /** URL originally requested (before redirects). */
  url: string;
  etag?: string;
  lastModified?: string;
  totalSize?: number;
  checksum?: ExpectedChecksum;
}

/** Paths of the download of `filename` in `directory` (filename must be validated first). */
export function partPaths(directory: string, filename: string): PartPaths {
  const final = join(directory, filename);
  return { final, part: `${final}.part`, meta: `${final}.part.json`, lock: `${final}.lock` };
}

/** Reads resume metadata; `undefined` when missing or unreadable (the part is then not trusted). */
export async function readPartMeta(path: string): Promise<PartMeta | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<PartMeta>;
    if (value.version !== 1 || typeof value.url !== 'string') return undefined;
    return value as PartMeta;
  } catch {
    return undefined;
  }
}

/** Writes resume metadata atomically. */
export async function writePartMeta(path: string, meta: PartMeta): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(meta));
}

/**
 * The `If-Range` validator for resuming: a strong ETag (weak ones are not
 * allowed in `If-Range`), else `Last-Modified`.
 */
export function resumeValidator(meta: PartMeta | undefined): string | undefined {
  if (meta?.etag && !meta.etag.startsWith('W/')) return meta.etag;
  return meta?.lastModified;
}

/** Size of a file, 0 when it does not exist. */
export async function fileSizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Deletes the part file and its metadata (missing files are fine). */
export async function removePart(paths: PartPaths): Promise<void> {
  await Promise.all([unlinkIfPresent(paths.part), unlinkIfPresent(paths.meta)]);
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/**
 * Bytes of an unfinished download of `filename` in `directory` (its `.part` file, left by a
 * cancelled, failed or interrupted download); 0 when there is none. The next download of it
 * resumes from them when it can trust them (resume metadata, or a checksum to verify them with),
 * else starts over.
 * @throws `UnsafeFilenameError` (`ERR_UNSAFE_FILENAME`) for a name that is not a plain file name.
 */
export async function partialDownloadBytes(directory: string, filename: string): Promise<number> {
  assertSafeFilename(filename);
  return fileSizeOrZero(partPaths(directory, filename).part);
}
