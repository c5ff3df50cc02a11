import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { fileSha256, listModelDir } from '../testing/temp-dir.js';
import { downloadModel, type RestartReason } from './download-model.js';
import { partialDownloadBytes } from './part-file.js';
import { perTestServer } from '../testing/per-test-server.js';

// Which `.part` files a new process may trust, and what it does with the others.
const content = makeContent(1_200_000);
let server: FaultServer;
let dir: string;

perTestServer((fixture) => ({ server, dir } = fixture));
beforeEach(() => {
  server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body, etag: '"v1"' }));
});

const entry = (): Record<string, unknown> => ({
  name: 'M',
  filename: 'm.gguf',
  url: server.url('/m.gguf'),
  filesize: String(content.body.length),
  sha256sum: content.sha256,
});

async function run(): Promise<{ restarts: RestartReason[]; result: Awaited<ReturnType<typeof downloadModel>['promise']> }> {
  const handle = downloadModel(entry() as never, { modelPath: dir });
  const restarts: RestartReason[] = [];
  handle.on('restart', (info) => restarts.push(info.reason));
  return { restarts, result: await handle.promise };
}

describe('resuming a .part file left by an earlier process', () => {
  it('resumes a prefix without metadata when a checksum will verify it', async () => {
    expect(await partialDownloadBytes(dir, 'm.gguf')).toBe(0);
    await writeFile(join(dir, 'm.gguf.part'), content.body.subarray(0, 300_000));
    expect(await partialDownloadBytes(dir, 'm.gguf')).toBe(300_000);
    await expect(partialDownloadBytes(dir, '../m.gguf')).rejects.toMatchObject({ code: 'ERR_UNSAFE_FILENAME' });
    const { restarts, result } = await run();
    expect(await partialDownloadBytes(dir, 'm.gguf')).toBe(0);
    expect(restarts).toEqual([]);
    expect(server.requests[0]?.range).toBe('bytes=300000-');
    expect(result).toMatchObject({ resumedFrom: 300_000, entry: { name: 'M' } });
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('deletes a bad orphan prefix when the checksum fails, so the next run starts clean', async () => {
    await writeFile(join(dir, 'm.gguf.part'), Buffer.alloc(300_000, 7));
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH', algorithm: 'sha256' });
    expect(await listModelDir(dir)).toEqual([]);
    const { result } = await run();
    expect(server.requests[1]?.range).toBeUndefined();
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('discards a part whose metadata names another URL', async () => {
    await writeFile(join(dir, 'm.gguf.part'), content.body.subarray(0, 300_000));
    await writeFile(join(dir, 'm.gguf.part.json'), JSON.stringify({ version: 1, url: 'http://elsewhere/m.gguf', etag: '"v1"' }));
    const { restarts, result } = await run();
    expect(restarts).toEqual(['untrusted-part']);
    expect(server.requests[0]?.range).toBeUndefined();
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('writes resume metadata before the first byte', async () => {
    server.route('/slow.gguf', (_req, _res, ctx) =>
      ctx.sendFile({ body: content.body, etag: '"v9"' }, { throttle: { chunk: 16 * 1024, intervalMs: 10 } }),
    );
    const handle = downloadModel(server.url('/slow.gguf'), { modelPath: dir, filename: 'm.gguf' });
    handle.once('progress', () => handle.cancel());
    await handle.promise.catch(() => undefined);
    const meta = JSON.parse(await readFile(join(dir, 'm.gguf.part.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ version: 1, url: server.url('/slow.gguf'), etag: '"v9"', totalSize: content.body.length });
  });

  it('shares one transfer between two downloads of the same file in one process', async () => {
    server.route('/slow.gguf', (_req, _res, ctx) =>
      ctx.sendFile({ body: content.body, etag: '"v1"' }, { throttle: { chunk: 64 * 1024, intervalMs: 10 } }),
    );
    const options = { modelPath: dir, filename: 'm.gguf', checksum: { algorithm: 'sha256' as const, value: content.sha256 } };
    const first = downloadModel(server.url('/slow.gguf'), options);
    const second = downloadModel(server.url('/slow.gguf'), options);
    const waits: unknown[] = [];
    for (const handle of [first, second]) handle.on('waiting', (info) => waits.push(info.holderPid));
    const results = await Promise.all([first.promise, second.promise]);
    expect(results.map((result) => result.status).sort()).toEqual(['already-present', 'downloaded']);
    expect(waits).toEqual([process.pid]);
    expect(server.requestsFor('/slow.gguf')).toHaveLength(1);
    expect(await fileSha256(join(dir, 'm.gguf'))).toBe(content.sha256);
  });
});
