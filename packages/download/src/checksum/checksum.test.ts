import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { makeContent } from '../testing/fault-server.js';
import { makeTempDir, removeTempDir } from '../testing/temp-dir.js';
import { createIncrementalHash, hashFile, sameDigest } from './checksum.js';

const content = makeContent(600_000);
let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('checksums', () => {
  it.each([true, false])('hashes shared memory, copies and file prefixes in order (worker: %s)', async (worker) => {
    const path = join(dir, 'f.bin');
    await writeFile(path, content.body);
    const hash = createIncrementalHash('sha256', { worker });
    try {
      // First 100 000 bytes from the file, then a shared-memory view, then a plain copy.
      await hash.updateFromFile(path, 100_000);
      const shared = new Uint8Array(new SharedArrayBuffer(300_000));
      shared.set(content.body.subarray(100_000, 400_000));
      await hash.update(shared);
      await hash.update(content.body.subarray(400_000));
      expect(await hash.digest()).toBe(content.sha256);
    } finally {
      hash.dispose();
    }
  });

  it('hashes whole files with md5 and sha256', async () => {
    const path = join(dir, 'f.bin');
    await writeFile(path, content.body);
    const progress: number[] = [];
    expect(await hashFile(path, 'md5')).toBe(content.md5);
    expect(await hashFile(path, 'sha256', { onProgress: (bytes) => progress.push(bytes) })).toBe(content.sha256);
    expect(await hashFile(join(dir, 'empty'), 'md5').catch((error: NodeJS.ErrnoException) => error.code)).toBe('ENOENT');
    await writeFile(join(dir, 'empty'), '');
    expect(await hashFile(join(dir, 'empty'), 'md5')).toBe(createHash('md5').digest('hex'));
  });

  it('rejects with AbortedError when aborted', async () => {
    const path = join(dir, 'f.bin');
    await writeFile(path, content.body);
    await expect(hashFile(path, 'md5', { signal: AbortSignal.abort() })).rejects.toSatisfy((error) => AbortedError.isInstance(error));
  });

  it('compares digests without regard to case', () => {
    expect(sameDigest('ABCdef', 'abcDEF')).toBe(true);
    expect(sameDigest('abc', 'abd')).toBe(false);
  });
});
