import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile, sameDigest, type ExpectedChecksum } from '../checksum/checksum.js';
import { ChecksumError } from '../errors/checksum-error.js';
import { hasVerifiedStamp, writeVerifiedStamp } from './verified-stamp.js';

/**
 * How an existing file is checked: `checksum` (size, then digest; a digest
 * match is remembered in a stamp so multi-GB files are hashed once),
 * `size` only, or `none` (presence only).
 */
export type VerifyMode = 'checksum' | 'size' | 'none';

/** Result of {@link verifyLocalFile}. */
export type LocalFileStatus =
  | { state: 'missing' }
  | { state: 'valid'; checkedBy: 'stamp' | 'checksum' | 'size' | 'presence' }
  | { state: 'invalid'; error: ChecksumError };

/**
 * Checks `directory/filename` against what is expected of it. Never deletes
 * or changes the file. Expectations that are unknown are not checked.
 */
export async function verifyLocalFile(
  directory: string,
  filename: string,
  expected: { size: number | undefined; checksum: ExpectedChecksum | undefined },
  mode: VerifyMode,
  options: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void } = {},
): Promise<LocalFileStatus> {
  const path = join(directory, filename);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return { state: 'missing' };
  if (mode === 'none') return { state: 'valid', checkedBy: 'presence' };
  if (expected.size !== undefined && info.size !== expected.size) {
    const error = new ChecksumError({ algorithm: 'size', expected: String(expected.size), actual: String(info.size), path });
    return { state: 'invalid', error };
  }
  const checksum = expected.checksum;
  if (mode === 'size' || checksum === undefined) {
    return { state: 'valid', checkedBy: expected.size !== undefined ? 'size' : 'presence' };
  }
  if (await hasVerifiedStamp(directory, filename, checksum)) return { state: 'valid', checkedBy: 'stamp' };
  const actual = await hashFile(path, checksum.algorithm, {
    signal: options.signal,
    onProgress: (bytes) => options.onProgress?.(bytes, info.size),
  });
  if (!sameDigest(actual, checksum.value)) {
    return { state: 'invalid', error: new ChecksumError({ algorithm: checksum.algorithm, expected: checksum.value, actual, path }) };
  }
  await writeVerifiedStamp(directory, filename, checksum);
  return { state: 'valid', checkedBy: 'checksum' };
}
