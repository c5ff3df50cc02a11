import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CatalogEntry } from './catalog/catalog-entry.js';
import { ChecksumError } from './errors/checksum-error.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';
import { UnsafeFilenameError } from './errors/unsafe-filename-error.js';
import { retrieveModel } from './retrieve-model.js';
import { FaultServer, makeContent } from './testing/fault-server.js';
import { fileSha256, listModelDir } from './testing/temp-dir.js';
import { perTestServer } from './testing/per-test-server.js';

const content = makeContent(200_000);
let server: FaultServer;
let dir: string;
let catalog: CatalogEntry[];

perTestServer((fixture) => ({ server, dir } = fixture));
beforeEach(() => {
  server.route('/tiny.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
  catalog = [
    {
      name: 'Tiny Chat',
      filename: 'tiny-chat.Q4_0.gguf',
      filesize: String(content.body.length),
      md5sum: content.md5,
      url: server.url('/tiny.gguf'),
      chatTemplate: '{{ messages }}',
      systemMessage: 'Be brief.',
      temperature: 0.3,
    },
  ];
});

describe('retrieveModel', () => {
  it('downloads a missing model when allowed and returns its catalog entry', async () => {
    const progress: number[] = [];
    const result = await retrieveModel('Tiny Chat', { modelPath: dir, catalog, onProgress: (p) => progress.push(p.bytes) });
    expect(result).toMatchObject({ path: join(dir, 'tiny-chat.Q4_0.gguf'), downloaded: true });
    expect(result.entry).toMatchObject({ chatTemplate: '{{ messages }}', systemMessage: 'Be brief.', temperature: 0.3 });
    expect(progress.at(-1)).toBe(content.body.length);
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('returns a present, verified file without the network', async () => {
    await writeFile(join(dir, 'tiny-chat.Q4_0.gguf'), content.body);
    for (const name of ['tiny-chat.Q4_0.gguf', 'tiny-chat.Q4_0', 'Tiny Chat']) {
      const result = await retrieveModel(name, { modelPath: dir, catalog, allowDownload: false });
      expect(result).toMatchObject({ path: join(dir, 'tiny-chat.Q4_0.gguf'), downloaded: false });
      expect(result.entry?.name).toBe('Tiny Chat');
    }
    expect(server.requests).toHaveLength(0);
    // The digest match is remembered, so multi-GB files are hashed once.
    expect(existsSync(join(dir, '.verified', 'tiny-chat.Q4_0.gguf.json'))).toBe(true);
  });

  it('says where it looked when the file is missing and downloads are disabled', async () => {
    const error = await retrieveModel('tiny-chat.Q4_0.gguf', { modelPath: dir, catalog, allowDownload: false }).catch((caught: unknown) => caught);
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND', reason: 'download-disabled', searchedPaths: [join(dir, 'tiny-chat.Q4_0.gguf')] });
    expect((error as Error).message).toContain(join(dir, 'tiny-chat.Q4_0.gguf'));
    expect((error as Error).message).toContain('allowDownload: false');
    expect(server.requests).toHaveLength(0);
  });

  it('reports unknown models, listing the paths it checked', async () => {
    const error = await retrieveModel('nope', { modelPath: dir, catalog }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'not-in-catalog', searchedPaths: [join(dir, 'nope'), join(dir, 'nope.gguf')] });
    expect((error as Error).message).toContain(join(dir, 'nope.gguf'));
  });

  it('refuses a corrupt local file, or replaces it when downloads are allowed', async () => {
    const path = join(dir, 'tiny-chat.Q4_0.gguf');
    await writeFile(path, Buffer.alloc(content.body.length, 1));
    const error = await retrieveModel('Tiny Chat', { modelPath: dir, catalog, allowDownload: false }).catch((caught: unknown) => caught);
    expect(ChecksumError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ algorithm: 'md5', expected: content.md5 });
    expect((await readFile(path))[0]).toBe(1); // left alone

    const fixed = await retrieveModel('Tiny Chat', { modelPath: dir, catalog });
    expect(fixed.downloaded).toBe(true);
    expect(await fileSha256(path)).toBe(content.sha256);
  });

  it('accepts absolute paths and rejects relative ones', async () => {
    const local = join(dir, 'custom.gguf');
    await writeFile(local, 'x');
    expect(await retrieveModel(local, { catalog: false })).toEqual({ path: local, entry: undefined, downloaded: false, parts: [local] });
    await expect(retrieveModel(join(dir, 'missing.gguf'), { catalog: false })).rejects.toSatisfy(
      (error) => ModelNotFoundError.isInstance(error) && error.reason === 'missing-file',
    );
    await expect(retrieveModel('../outside.gguf', { modelPath: dir, catalog: false })).rejects.toSatisfy((error) =>
      UnsafeFilenameError.isInstance(error),
    );
  });

  it('uses a file without any catalog when told to', async () => {
    await writeFile(join(dir, 'mine.gguf'), 'x');
    expect(await retrieveModel('mine', { modelPath: dir, catalog: false, allowDownload: false })).toMatchObject({
      path: join(dir, 'mine.gguf'),
      entry: undefined,
    });
  });

  it('resolves names from a catalog URL, and later from its cache when offline', async () => {
    server.route('/models3.json', (_req, _res, ctx) => ctx.sendFile({ body: Buffer.from(JSON.stringify(catalog)) }));
    const catalogUrl = server.url('/models3.json');
    const online = await retrieveModel('Tiny Chat', { modelPath: dir, catalogUrl });
    expect(online.downloaded).toBe(true);
    await server.close();
    const offline = await retrieveModel('Tiny Chat', { modelPath: dir, catalogUrl, allowDownload: false });
    expect(offline).toMatchObject({ path: online.path, downloaded: false, entry: { systemMessage: 'Be brief.' } });
    expect(await listModelDir(dir)).toEqual(['tiny-chat.Q4_0.gguf']);
  });
});
