import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { ChecksumError } from '../errors/checksum-error.js';
import { DownloadHttpError } from '../errors/download-http-error.js';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { fileSha256, listModelDir } from '../testing/temp-dir.js';
import { downloadModel, type DownloadModelOptions, type RestartReason } from './download-model.js';
import { perTestServer } from '../testing/per-test-server.js';

// 1.5 MB: more than one 1 MiB slot, small enough to keep the suite fast.
const content = makeContent(1_500_000);
const changed = makeContent(1_500_000);
const fast = { retry: { minDelayMs: 5, maxDelayMs: 20 } };

let server: FaultServer;
let dir: string;

perTestServer((fixture) => ({ server, dir } = fixture));

function verified(extra: DownloadModelOptions = {}): DownloadModelOptions {
  return {
    modelPath: dir,
    expectedSize: content.body.length,
    checksum: { algorithm: 'sha256', value: content.sha256 },
    ...fast,
    ...extra,
  };
}

function rangeStart(header: string | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(header ?? '');
  if (!match) throw new Error(`no range in ${String(header)}`);
  return Number(match[1]);
}

async function expectNothingLeft(filename: string): Promise<void> {
  expect(await listModelDir(dir)).not.toContain(filename);
  expect(await listModelDir(dir)).not.toContain(`${filename}.lock`);
}

describe('downloadModel under injected faults', () => {
  it('resumes with Range + If-Range after the connection drops mid-body', async () => {
    const file = { body: content.body, etag: '"v1"' };
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file, ctx.attempt === 1 ? { dropAfter: 600_000 } : {}));
    const handle = downloadModel(server.url('/m.gguf'), verified());
    const retries: unknown[] = [];
    handle.on('retry', (info) => retries.push(info));
    const result = await handle.promise;

    const [first, second, third] = server.requestsFor('/m.gguf');
    expect(first?.range).toBeUndefined();
    const resumedAt = rangeStart(second?.range);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(600_000);
    expect(second?.ifRange).toBe('"v1"');
    expect(second?.status).toBe(206);
    expect(third).toBeUndefined();
    expect(retries).toHaveLength(1);
    expect(result.status).toBe('downloaded');
    expect(result.checksum).toEqual({ algorithm: 'sha256', value: content.sha256 });
    expect(await fileSha256(result.path)).toBe(content.sha256);
    expect(await listModelDir(dir)).toEqual(['m.gguf']);
  });

  it('retries a 500 and then succeeds', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => (ctx.attempt === 1 ? ctx.sendStatus(500) : ctx.sendFile({ body: content.body })));
    const handle = downloadModel(server.url('/m.gguf'), verified());
    const retries: { error: Error }[] = [];
    handle.on('retry', (info) => retries.push(info));
    const result = await handle.promise;
    expect(server.requestsFor('/m.gguf').map((r) => r.status)).toEqual([500, 200]);
    expect(retries[0]?.error.message).toContain('500');
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('restarts cleanly from byte 0 when the server ignores Range', async () => {
    const file = { body: content.body, etag: '"v1"' };
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.sendFile(file, ctx.attempt === 1 ? { dropAfter: 500_000 } : { ignoreRange: true }),
    );
    const handle = downloadModel(server.url('/m.gguf'), verified());
    const restarts: RestartReason[] = [];
    handle.on('restart', (info) => restarts.push(info.reason));
    const result = await handle.promise;
    const [, second] = server.requestsFor('/m.gguf');
    expect(rangeStart(second?.range)).toBeGreaterThan(0);
    expect(second?.status).toBe(200);
    expect(restarts).toEqual(['range-ignored']);
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('starts over when the remote file changed between attempts (If-Range mismatch)', async () => {
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.attempt === 1
        ? ctx.sendFile({ body: content.body, etag: '"v1"' }, { dropAfter: 500_000 })
        : ctx.sendFile({ body: changed.body, etag: '"v2"' }),
    );
    const handle = downloadModel(server.url('/m.gguf'), { modelPath: dir, checksum: { algorithm: 'sha256', value: changed.sha256 }, ...fast });
    const restarts: RestartReason[] = [];
    handle.on('restart', (info) => restarts.push(info.reason));
    const result = await handle.promise;
    const [, second] = server.requestsFor('/m.gguf');
    expect(second?.ifRange).toBe('"v1"');
    expect(second?.status).toBe(200);
    expect(restarts).toEqual(['remote-changed']);
    // Never a splice of two versions.
    expect(await fileSha256(result.path)).toBe(changed.sha256);
  });

  it('never splices versions even when the server ignores If-Range', async () => {
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.attempt === 1
        ? ctx.sendFile({ body: content.body, etag: '"v1"' }, { dropAfter: 500_000 })
        : ctx.sendFile({ body: changed.body, etag: '"v2"' }, { ignoreIfRange: true }),
    );
    const handle = downloadModel(server.url('/m.gguf'), { modelPath: dir, ...fast });
    const restarts: RestartReason[] = [];
    handle.on('restart', (info) => restarts.push(info.reason));
    const result = await handle.promise;
    expect(server.requestsFor('/m.gguf').map((r) => r.status)).toEqual([200, 206, 200]);
    expect(restarts).toEqual(['remote-changed']);
    expect(await fileSha256(result.path)).toBe(changed.sha256);
  });

  it('deletes the file and throws ChecksumError on a wrong checksum', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const wrong = 'f'.repeat(32);
    const error = await downloadModel(server.url('/m.gguf'), { modelPath: dir, checksum: { algorithm: 'md5', value: wrong }, ...fast })
      .promise.catch((caught: unknown) => caught);
    expect(ChecksumError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH', algorithm: 'md5', expected: wrong, actual: content.md5 });
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('rejects a remote size that differs from the catalog before downloading it', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const error = await downloadModel(server.url('/m.gguf'), verified({ expectedSize: 1234 })).promise.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH', algorithm: 'size', expected: '1234', actual: String(content.body.length) });
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('fails fast on a 404 without retrying or leaving files', async () => {
    const error = await downloadModel(server.url('/missing.gguf'), verified()).promise.catch((caught: unknown) => caught);
    expect(DownloadHttpError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_HTTP', status: 404, attempts: 1 });
    expect(server.requestsFor('/missing.gguf')).toHaveLength(1);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('follows a redirect chain across origins and drops the token at the origin change', async () => {
    const cdn = await FaultServer.start();
    try {
      cdn.route('/blob', (_req, _res, ctx) => ctx.sendFile({ body: content.body, etag: '"cdn"' }));
      server.route('/a', (_req, res) => res.writeHead(302, { location: '/b' }).end());
      server.route('/b', (_req, res) => res.writeHead(307, { location: cdn.url('/blob?sig=1') }).end());
      const result = await downloadModel(server.url('/a'), verified({ filename: 'm.gguf', token: 'secret' })).promise;
      expect(server.requestsFor('/a')[0]?.authorization).toBe('Bearer secret');
      expect(server.requestsFor('/b')[0]?.authorization).toBe('Bearer secret');
      expect(cdn.requestsFor('/blob')[0]?.authorization).toBeUndefined();
      expect(await fileSha256(result.path)).toBe(content.sha256);
    } finally {
      await cdn.close();
    }
  });

  it('keeps the .part file when a slow download is cancelled, then resumes it', async () => {
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.sendFile({ body: content.body, etag: '"v1"' }, ctx.attempt === 1 ? { throttle: { chunk: 16 * 1024, intervalMs: 10 } } : {}),
    );
    const handle = downloadModel(server.url('/m.gguf'), verified());
    handle.on('progress', (progress) => {
      if (progress.phase === 'downloading' && progress.bytes >= 200_000) handle.cancel();
    });
    const error = await handle.promise.catch((caught: unknown) => caught);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', name: 'AbortError' });
    expect(await listModelDir(dir)).toEqual(['m.gguf.part', 'm.gguf.part.json']);
    const kept = (await stat(join(dir, 'm.gguf.part'))).size;
    expect(kept).toBeGreaterThanOrEqual(200_000);

    const result = await downloadModel(server.url('/m.gguf'), verified()).promise;
    expect(rangeStart(server.requestsFor('/m.gguf')[1]?.range)).toBe(kept);
    expect(result.resumedFrom).toBe(kept);
    expect(result.bytesTransferred).toBe(content.body.length - kept);
    expect(await fileSha256(result.path)).toBe(content.sha256);
    expect(await listModelDir(dir)).toEqual(['m.gguf']);
  });

  it('stops on an AbortSignal', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }, { throttle: { chunk: 16 * 1024, intervalMs: 10 } }));
    const controller = new AbortController();
    const handle = downloadModel(server.url('/m.gguf'), verified({ signal: controller.signal }));
    handle.once('progress', () => controller.abort(new Error('user left')));
    const error = await handle.promise.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_ABORTED' });
    expect((error as Error).message).toContain('user left');
    await expectNothingLeft('m.gguf');
  });

  it('rejects traversal and absolute filenames before any request', async () => {
    server.route('/x', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const attempts = [
      downloadModel({ name: 'evil', filename: '../../x', url: server.url('/x') }, { modelPath: dir }),
      downloadModel(server.url('/x'), { modelPath: dir, filename: '/etc/passwd' }),
      downloadModel(server.url('/x'), { modelPath: dir, filename: 'C:\\x.gguf' }),
      downloadModel(server.url('/..%2F..%2Fx'), { modelPath: dir }),
    ];
    for (const handle of attempts) {
      const error = await handle.promise.catch((caught: unknown) => caught);
      expect(UnsafeFilenameError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_UNSAFE_FILENAME' });
    }
    expect(server.requests).toHaveLength(0);
    expect(await listModelDir(dir)).toEqual([]);
    expect(await listModelDir(join(dir, '..'))).not.toContain('x');
  });

  it('gives up with DownloadHttpError after the retry budget on persistent 503', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendStatus(503, { 'retry-after': '0' }));
    const error = await downloadModel(server.url('/m.gguf'), verified({ retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 } }))
      .promise.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_HTTP', status: 503, attempts: 3 });
    expect(server.requestsFor('/m.gguf')).toHaveLength(3);
    await expectNothingLeft('m.gguf');
  });

  it('gives up with DownloadNetworkError when every connection is dropped', async () => {
    server.route('/m.gguf', (_req, res) => res.socket?.destroy());
    const error = await downloadModel(server.url('/m.gguf'), verified({ retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 } }))
      .promise.catch((caught: unknown) => caught);
    expect(DownloadNetworkError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_NETWORK', attempts: 3 });
    await expectNothingLeft('m.gguf');
  });

  it('retries a stalled connection after the idle timeout', async () => {
    server.route('/m.gguf', (_req, res, ctx) => {
      if (ctx.attempt === 1) res.writeHead(200, { 'content-length': String(content.body.length) }).write(content.body.subarray(0, 1000));
      else ctx.sendFile({ body: content.body });
    });
    const result = await downloadModel(server.url('/m.gguf'), verified({ idleTimeoutMs: 150 })).promise;
    expect(await fileSha256(result.path)).toBe(content.sha256);
    expect(server.requestsFor('/m.gguf')).toHaveLength(2);
  });

  it('downloads a chunked response (no Content-Length) and verifies it', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }, { chunked: true }));
    const result = await downloadModel(server.url('/m.gguf'), verified()).promise;
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('replaces a corrupt file atomically and reuses a verified one without network', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    await writeFile(join(dir, 'm.gguf'), 'garbage');
    const first = await downloadModel(server.url('/m.gguf'), verified()).promise;
    expect(first.status).toBe('downloaded');
    expect(await fileSha256(first.path)).toBe(content.sha256);
    const again = await downloadModel(server.url('/m.gguf'), verified()).promise;
    expect(again.status).toBe('already-present');
    expect(server.requestsFor('/m.gguf')).toHaveLength(1);
  });

  it('reports progress with bytes, total, speed and ETA', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }, { throttle: { chunk: 64 * 1024, intervalMs: 15 } }));
    const seen: { bytes: number; total: number | undefined; speed: number; eta: number | undefined; phase: string }[] = [];
    const handle = downloadModel(server.url('/m.gguf'), verified({ onProgress: (progress) => seen.push(progress) }));
    let events = 0;
    handle.on('progress', () => events++);
    await handle.promise;
    const downloading = seen.filter((progress) => progress.phase === 'downloading');
    expect(events).toBe(seen.length);
    expect(downloading.length).toBeGreaterThan(2);
    expect(downloading.every((progress) => progress.total === content.body.length && progress.speed >= 0)).toBe(true);
    const bytes = downloading.map((progress) => progress.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(downloading.at(-1)).toMatchObject({ bytes: content.body.length, eta: 0 });
    expect(downloading.some((progress) => progress.speed > 0 && progress.eta !== undefined && progress.eta > 0)).toBe(true);
  });
});
