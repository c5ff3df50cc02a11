import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../testing/temp-dir.js';
import { listModels } from './list-models.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(() => removeTempDir(dir));

const entry = { order: 'a', name: 'Tiny Chat', filename: 'tiny-chat.gguf', filesize: '1000', md5sum: '0'.repeat(32) };

describe('listModels', () => {
  it('lists each model once with its size, time and catalog name; split models with their total size', async () => {
    await writeFile(join(dir, 'tiny-chat.gguf'), Buffer.alloc(1000));
    await writeFile(join(dir, 'other.gguf'), Buffer.alloc(10));
    await writeFile(join(dir, 'Big-00001-of-00002.gguf'), Buffer.alloc(300));
    await writeFile(join(dir, 'Big-00002-of-00002.gguf'), Buffer.alloc(200));
    await utimes(join(dir, 'Big-00002-of-00002.gguf'), new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    // Not models: a download in progress, its metadata and lock, bookkeeping, other files.
    await writeFile(join(dir, 'next.gguf.part'), 'x');
    await writeFile(join(dir, 'next.gguf.part.json'), '{}');
    await writeFile(join(dir, 'next.gguf.lock'), '1');
    await writeFile(join(dir, 'notes.txt'), 'x');
    await mkdir(join(dir, '.verified'));

    const models = await listModels({ modelPath: dir, catalog: [entry as never] });
    expect(models.map((m) => m.filename)).toEqual(['Big-00001-of-00002.gguf', 'other.gguf', 'tiny-chat.gguf']);
    const [big, other, tiny] = models;
    expect(big).toEqual({
      filename: 'Big-00001-of-00002.gguf',
      path: join(dir, 'Big-00001-of-00002.gguf'),
      size: 500,
      modifiedAt: new Date(2_000_000_000_000),
      catalogName: undefined,
      parts: [join(dir, 'Big-00001-of-00002.gguf'), join(dir, 'Big-00002-of-00002.gguf')],
      complete: true,
    });
    expect(other).toMatchObject({ size: 10, catalogName: undefined, complete: true });
    expect(tiny).toMatchObject({ size: 1000, catalogName: 'Tiny Chat', parts: [join(dir, 'tiny-chat.gguf')] });
    expect(tiny!.modifiedAt.getTime()).toBe(Math.trunc((await stat(join(dir, 'tiny-chat.gguf'))).mtimeMs));
  });

  it('marks a split model with missing parts as incomplete', async () => {
    await writeFile(join(dir, 'Big-00002-of-00003.gguf'), Buffer.alloc(7));
    expect(await listModels({ modelPath: dir, catalog: false })).toMatchObject([
      { filename: 'Big-00001-of-00003.gguf', size: 7, complete: false, parts: [join(dir, 'Big-00002-of-00003.gguf')] },
    ]);
  });

  it('lists nothing for a directory that does not exist', async () => {
    expect(await listModels({ modelPath: join(dir, 'none'), catalog: false })).toEqual([]);
  });
});
