import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';
import { makeTempDir, removeTempDir } from '../testing/temp-dir.js';
import { listModels } from './list-models.js';
import { removeModel } from './remove-model.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(() => removeTempDir(dir));

const entry = { order: 'a', name: 'Tiny Chat', filename: 'tiny-chat.gguf', filesize: '3', md5sum: '0'.repeat(32) };
const files = async (): Promise<string[]> => (await readdir(dir, { recursive: true })).map(String).sort();

describe('removeModel', () => {
  it('deletes a model by catalog name with its download leftovers and verified stamp, and nothing else', async () => {
    await writeFile(join(dir, 'tiny-chat.gguf'), 'abc');
    await writeFile(join(dir, 'tiny-chat.gguf.part'), 'a');
    await writeFile(join(dir, 'tiny-chat.gguf.part.json'), '{}');
    await writeFile(join(dir, 'tiny-chat.gguf.lock'), '1');
    await mkdir(join(dir, '.verified'));
    await writeFile(join(dir, '.verified', 'tiny-chat.gguf.json'), '{}');
    await writeFile(join(dir, 'keep.gguf'), 'k');

    const removed = await removeModel('Tiny Chat', { modelPath: dir, catalog: [entry as never] });
    expect(removed.sort()).toEqual(['tiny-chat.gguf', 'tiny-chat.gguf.lock', 'tiny-chat.gguf.part', 'tiny-chat.gguf.part.json'].map((n) => join(dir, n)));
    expect(await files()).toEqual(['.verified', 'keep.gguf']);
  });

  it('deletes every part of a split model, whichever part is named, and leftovers of an unfinished one', async () => {
    for (const i of [1, 2, 3]) await writeFile(join(dir, `Big-0000${i}-of-00003.gguf`), 'x');
    await writeFile(join(dir, 'Big-00003-of-00003.gguf.part'), 'x');
    await removeModel(join(dir, 'Big-00002-of-00003.gguf'), { modelPath: dir, catalog: false });
    expect(await files()).toEqual([]);

    await writeFile(join(dir, 'half.gguf.part'), 'x');
    expect(await removeModel('half', { modelPath: dir, catalog: false })).toEqual([join(dir, 'half.gguf.part')]);
    expect(await listModels({ modelPath: dir, catalog: false })).toEqual([]);
  });

  it('refuses paths outside the model directory and unsafe names, deleting nothing', async () => {
    const outside = await makeTempDir();
    try {
      await writeFile(join(outside, 'x.gguf'), 'x');
      for (const target of [join(outside, 'x.gguf'), '../x.gguf', `${dir}/../x.gguf`, '.hidden.gguf', 'sub/x.gguf']) {
        const error = await removeModel(target, { modelPath: dir, catalog: false }).catch((e: unknown) => e);
        expect(UnsafeFilenameError.isInstance(error), target).toBe(true);
      }
      expect(await readdir(outside)).toEqual(['x.gguf']);
    } finally {
      await removeTempDir(outside);
    }
  });

  it('says a model that is not there was not found, and where it looked', async () => {
    const error = await removeModel('ghost', { modelPath: dir, catalog: false }).catch((e: unknown) => e);
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'missing-file', searchedPaths: [join(dir, 'ghost'), join(dir, 'ghost.gguf')] });
  });
});
