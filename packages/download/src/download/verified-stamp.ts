import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectedChecksum } from '../checksum/checksum.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/**
 * Record that a file was hashed and matched, tied to the file's identity
 * (size, mtime, inode). It lets later calls skip re-hashing a multi-GB model;
 * any change to the file invalidates it. Stored in `<dir>/.verified/`.
 */
interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
  algorithm: string;
  value: string;
}

function stampPath(directory: string, filename: string): string {
  return join(directory, '.verified', `${filename}.json`);
}

/** Records that `directory/filename` matches `checksum` as it is now. Best effort. */
export async function writeVerifiedStamp(directory: string, filename: string, checksum: ExpectedChecksum): Promise<void> {
  try {
    const info = await stat(join(directory, filename));
    const stamp: Stamp = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, ...checksum };
    await mkdir(join(directory, '.verified'), { recursive: true });
    await writeFileAtomic(stampPath(directory, filename), JSON.stringify(stamp));
  } catch {
    // Only an optimisation: without a stamp the file is simply hashed again.
  }
}

/** True when a stamp says the file, unchanged since, matches `checksum`. */
export async function hasVerifiedStamp(directory: string, filename: string, checksum: ExpectedChecksum): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([
      readFile(stampPath(directory, filename), 'utf8'),
      stat(join(directory, filename)),
    ]);
    const stamp = JSON.parse(text) as Stamp;
    return (
      stamp.size === info.size &&
      stamp.mtimeMs === info.mtimeMs &&
      stamp.ino === info.ino &&
      stamp.algorithm === checksum.algorithm &&
      stamp.value === checksum.value
    );
  } catch {
    return false;
  }
}

/** Deletes the stamp of `directory/filename`, if any (when the model itself is deleted). */
export async function removeVerifiedStamp(directory: string, filename: string): Promise<void> {
  await unlink(stampPath(directory, filename)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
