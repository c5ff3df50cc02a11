import { statfs } from 'node:fs/promises';
import { InsufficientDiskError } from '../errors/insufficient-disk-error.js';

/**
 * Bytes available to the current user on the file system holding `directory`,
 * or `undefined` where the platform cannot tell (then no check is made rather
 * than blocking a download on a guess).
 */
export async function availableDiskBytes(directory: string): Promise<number | undefined> {
  try {
    const stats = await statfs(directory);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return undefined;
  }
}

/** Throws {@link InsufficientDiskError} when fewer than `requiredBytes` are free in `directory`. */
export async function assertDiskSpace(directory: string, requiredBytes: number): Promise<void> {
  if (requiredBytes <= 0) return;
  const available = await availableDiskBytes(directory);
  if (available !== undefined && available < requiredBytes) {
    throw new InsufficientDiskError({ requiredBytes, availableBytes: available, directory });
  }
}
