import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChecksumError } from '../errors/checksum-error.js';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { DownloadProtocolError } from '../errors/download-protocol-error.js';
import { FaultServer, makeContent, type RouteHandler, type SendOptions } from '../testing/fault-server.js';
import { perTestServer } from '../testing/per-test-server.js';
import { fileSha256, listModelDir } from '../testing/temp-dir.js';
import { downloadModel, type DownloadModelOptions, type DownloadResult, type RestartReason } from './download-model.js';

// Answers to a resume (`Range: bytes=N-`) that do not match the request, and bodies whose length
// disagrees with what was announced: each ends with a verified file or a typed protocol/transfer
// error, never a checksum error for bytes the server never promised, never a file under the final name.
const content = makeContent(1_500_000);
const size = content.body.length;
const file = { body: content.body, etag: '"v1"' };
const fast = { retry: { minDelayMs: 5, maxDelayMs: 20 } };

let server: FaultServer;
let dir: string;
perTestServer((fixture) => ({ server, dir } = fixture));

function verified(extra: DownloadModelOptions = {}): DownloadModelOptions {
  return { modelPath: dir, expectedSize: size, checksum: { algorithm: 'sha256', value: content.sha256 }, ...fast, ...extra };
}

/** Runs a download; resolves with its result or its error, and the restarts it reported. */
async function run(options: DownloadModelOptions): Promise<{ result?: DownloadResult; error?: unknown; restarts: RestartReason[] }> {
  const handle = downloadModel(server.url('/m.gguf'), options);
  const restarts: RestartReason[] = [];
  handle.on('restart', (info) => restarts.push(info.reason));
  try {
    return { result: await handle.promise, restarts };
  } catch (error) {
    return { error, restarts };
  }
}

/** The first attempt drops the connection after 500 000 bytes (so the next one resumes); then `later`. */
function dropThen(later: (attempt: number) => SendOptions | RouteHandler): void {
  server.route('/m.gguf', (req, res, ctx) => {
    if (ctx.attempt === 1) return ctx.sendFile(file, { dropAfter: 500_000 });
    const next = later(ctx.attempt);
    if (typeof next === 'function') next(req, res, ctx);
    else ctx.sendFile(file, next);
  });
}

function rangeStart(header: string | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(header ?? '');
  if (!match) throw new Error(`no range in ${String(header)}`);
  return Number(match[1]);
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function expectVerified(result: DownloadResult | undefined): Promise<void> {
  expect(result?.status).toBe('downloaded');
  expect(await fileSha256(join(dir, 'm.gguf'))).toBe(content.sha256);
  expect(await listModelDir(dir)).toEqual(['m.gguf']);
}

/** A typed protocol error naming the cause; not a checksum error; nothing under the final name. */
async function expectProtocolError(error: unknown, reason: string, message: RegExp): Promise<void> {
  expect(ChecksumError.isInstance(error)).toBe(false);
  expect(DownloadProtocolError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_PROTOCOL', reason, url: server.url('/m.gguf') });
  expect((error as Error).message).toMatch(message);
  expect(await listModelDir(dir)).not.toContain('m.gguf');
}

describe('a resume answered with a 200', () => {
  it('resumes from N when the 200 carries the Content-Range asked for (the slice from N)', async () => {
    dropThen(() => ({ rangeStatus: 200 }));
    const { result, restarts } = await run(verified());
    const [, second, third] = server.requestsFor('/m.gguf');
    expect(rangeStart(second?.range)).toBeGreaterThan(0);
    expect(second?.status).toBe(200);
    expect(third).toBeUndefined();
    expect(restarts).toEqual([]);
    // Every byte fetched once: the slice was appended, not taken for the whole file.
    expect(result?.bytesTransferred).toBe(size);
    await expectVerified(result);
  });

  it('restarts once without Range when the 200 carries another range, then verifies', async () => {
    dropThen((attempt) => (attempt === 2 ? { rangeStatus: 200, serveFrom: 1000 } : {}));
    const { result, restarts } = await run(verified());
    const requests = server.requestsFor('/m.gguf');
    expect(requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(rangeStart(requests[1]?.range)).toBeGreaterThan(0);
    expect(requests[2]?.range).toBeUndefined();
    expect(restarts).toEqual(['range-mismatch']);
    await expectVerified(result);
  });

  it('fails with DownloadProtocolError when the server keeps sending another range', async () => {
    dropThen(() => ({ rangeStatus: 200, serveFrom: 1000 }));
    const { error, restarts } = await run(verified());
    await expectProtocolError(error, 'range-mismatch', /Content-Range "bytes 1000-1499999\/1500000" where the whole file was asked/);
    expect(error).toMatchObject({ status: 200, attempts: 3 });
    expect(restarts).toEqual(['range-mismatch']);
    expect(server.requestsFor('/m.gguf')[2]?.range).toBeUndefined();
    // The restart emptied the part, and no byte of a mismatched body was kept.
    expect(await listModelDir(dir)).toEqual([]);
  });
});

describe('a resume answered with a 206 that is not the range asked for', () => {
  // A 206 with hand-written headers and the bytes from the requested offset.
  const partial =
    (headers: (start: number) => Record<string, string>): RouteHandler =>
    (req, res, ctx) => {
      const start = rangeStart(req.headers.range);
      ctx.record.status = 206;
      res.writeHead(206, { etag: file.etag, ...headers(start) }).end(content.body.subarray(start));
    };
  const unusable: [string, SendOptions | RouteHandler][] = [
    ['a range that starts before the part ends', { serveFrom: 1000 }],
    ['a range that starts after the part ends (a gap)', { serveFrom: 1_000_000 }],
    ['a Content-Length other than the range size', { contentLength: 10 }],
    ['no Content-Range', partial(() => ({}))],
    ['an invalid Content-Range (last byte before the first)', partial((start) => ({ 'content-range': `bytes ${start}-5/${size}` }))],
  ];

  it.each(unusable)('never splices %s: restarts once without Range and verifies', async (_name, answer) => {
    dropThen((attempt) => (attempt === 2 ? answer : {}));
    const { result, restarts } = await run(verified());
    const requests = server.requestsFor('/m.gguf');
    expect(requests.map((r) => r.status)).toEqual([200, 206, 200]);
    expect(rangeStart(requests[1]?.range)).toBeGreaterThan(0);
    expect(requests[2]?.range).toBeUndefined();
    expect(restarts).toEqual(['range-mismatch']);
    expect(result?.bytesTransferred).toBeGreaterThanOrEqual(size);
    await expectVerified(result);
  });

  it('fails with DownloadProtocolError when the server answers another range even without Range', async () => {
    dropThen(() => ({ serveFrom: 1000 }));
    const { error, restarts } = await run(verified());
    await expectProtocolError(error, 'range-mismatch', /HTTP 206 .*Content-Range "bytes 1000-1499999\/1500000" where the whole file was asked/);
    expect(restarts).toEqual(['range-mismatch']);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('names the Content-Length/Content-Range disagreement when it persists', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file, { serveFrom: 0, contentLength: 10 }));
    const { error } = await run(verified());
    await expectProtocolError(error, 'length-mismatch', /Content-Length 10 disagrees with Content-Range "bytes 0-1499999\/1500000", which covers 1500000 bytes/);
    expect(server.requestsFor('/m.gguf')).toHaveLength(1);
    expect(await listModelDir(dir)).toEqual([]);
  });
});

describe('416 Range Not Satisfiable (RFC 9110 §15.5.17)', () => {
  async function writePart(bytes: Buffer, meta: Record<string, unknown>): Promise<void> {
    await writeFile(join(dir, 'm.gguf.part'), bytes);
    await writeFile(join(dir, 'm.gguf.part.json'), JSON.stringify({ version: 1, url: server.url('/m.gguf'), etag: file.etag, ...meta }));
  }
  const checksum = { algorithm: 'sha256' as const, value: content.sha256 };

  // Options are built inside the test: `dir` only exists then.
  it.each([
    ['the size is known', { totalSize: size, checksum }, (): DownloadModelOptions => verified()],
    ['only the 416 gives the size', { checksum }, (): DownloadModelOptions => ({ modelPath: dir, checksum, ...fast })],
  ])('finishes a part that already holds every byte without downloading (%s)', async (_name, meta, options) => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file));
    await writePart(content.body, meta);
    const { result, restarts } = await run(options());
    expect(server.requestsFor('/m.gguf')).toEqual([
      expect.objectContaining({ range: `bytes=${size}-`, ifRange: file.etag, status: 416, bytesSent: 0 }),
    ]);
    expect(restarts).toEqual([]);
    expect(result).toMatchObject({ resumedFrom: size, bytesTransferred: 0, size, checksum });
    await expectVerified(result);
  });

  it('still verifies a complete part: wrong bytes are a checksum error and are deleted', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file));
    await writePart(Buffer.alloc(size, 7), { totalSize: size, checksum });
    const { error } = await run(verified());
    expect(error).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH', algorithm: 'sha256', expected: content.sha256 });
    expect(await listModelDir(dir)).toEqual([]);
  });

  it.each([
    ['says the file is longer than the part', { 'content-range': `bytes */${size}` }],
    ['gives no Content-Range', {}],
  ])('restarts cleanly from byte 0 when a 416 %s', async (_name, headers: Record<string, string>) => {
    server.route('/m.gguf', (req, _res, ctx) => (req.headers.range ? ctx.sendStatus(416, headers) : ctx.sendFile(file)));
    await writePart(content.body.subarray(0, 300_000), { totalSize: size, checksum });
    const { result, restarts } = await run(verified());
    const requests = server.requestsFor('/m.gguf');
    expect(requests.map((r) => [r.range, r.status])).toEqual([
      ['bytes=300000-', 416],
      [undefined, 200],
    ]);
    expect(restarts).toEqual(['range-not-satisfiable']);
    expect(result).toMatchObject({ resumedFrom: 0, bytesTransferred: size });
    await expectVerified(result);
  });
});

describe('a body whose length disagrees with its announcement', () => {
  it('Content-Length above the bytes sent: a transfer error, the trustworthy prefix kept and resumed later', async () => {
    // Every answer announces the whole file and closes after 600 000 bytes; Range is ignored.
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file, { dropAfter: 600_000, ignoreRange: true }));
    const { error } = await run(verified({ retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 } }));
    expect(ChecksumError.isInstance(error)).toBe(false);
    expect(DownloadNetworkError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_NETWORK', attempts: 2 });
    expect((error as Error).message).toMatch(/response truncated: connection closed after \d+ of the 1500000 body bytes announced by Content-Length/);
    expect(await listModelDir(dir)).toEqual(['m.gguf.part', 'm.gguf.part.json']);
    const part = await readFile(join(dir, 'm.gguf.part'));
    expect(part.length).toBeGreaterThan(0);
    expect(sha256(part)).toBe(sha256(content.body.subarray(0, part.length)));

    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file));
    const { result } = await run(verified());
    expect(server.requestsFor('/m.gguf').at(-1)?.range).toBe(`bytes=${part.length}-`);
    expect(result).toMatchObject({ resumedFrom: part.length, bytesTransferred: size - part.length });
    await expectVerified(result);
  });

  it('Content-Length below the bytes sent: DownloadProtocolError, not a checksum error, nothing kept', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file, { contentLength: 1_000_000 }));
    // Checksum only: with a catalog size the announced 1 000 000 would be rejected before the body.
    const { error } = await run({ modelPath: dir, checksum: { algorithm: 'sha256', value: content.sha256 }, ...fast });
    await expectProtocolError(error, 'length-mismatch', /the body is longer than the 1000000 bytes announced by Content-Length/);
    expect(error).toMatchObject({ status: 200, attempts: 1 });
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('a chunked body longer than the expected size: DownloadProtocolError, nothing kept', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file, { chunked: true, appendBytes: 1000 }));
    const { error } = await run(verified());
    await expectProtocolError(error, 'length-mismatch', /the body is longer than the expected size of 1500000 bytes/);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it.each([
    ['past its Content-Length', { appendBytes: 1000 }, /longer than the \d+ bytes announced by Content-Length/],
    ['chunked, past its Content-Range', { appendBytes: 1000, chunked: true }, /longer than the \d+ bytes of Content-Range "bytes \d+-1499999\/1500000"/],
  ] as const)('a resumed body %s: keeps only the bytes before it, and a later call resumes them', async (_name, extra, message) => {
    dropThen(() => extra);
    const { error } = await run(verified());
    await expectProtocolError(error, 'length-mismatch', message);
    const resumedAt = rangeStart(server.requestsFor('/m.gguf')[1]?.range);
    expect(await listModelDir(dir)).toEqual(['m.gguf.part', 'm.gguf.part.json']);
    // The part is cut back to where the mis-framed body began: the prefix from the first answer.
    expect((await stat(join(dir, 'm.gguf.part'))).size).toBe(resumedAt);
    expect(sha256(await readFile(join(dir, 'm.gguf.part')))).toBe(sha256(content.body.subarray(0, resumedAt)));

    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile(file));
    const { result } = await run(verified());
    expect(server.requestsFor('/m.gguf').at(-1)?.range).toBe(`bytes=${resumedAt}-`);
    expect(result).toMatchObject({ resumedFrom: resumedAt, bytesTransferred: size - resumedAt });
    await expectVerified(result);
  });
});
