import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIncrementalHash } from '../checksum/checksum.js';
import { BodyWriter } from '../download/body-writer.js';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { fileSha256 } from '../testing/temp-dir.js';
import { HttpProtocolFailure } from './http-protocol-failure.js';
import { HttpStatusFailure, parseContentRange, requestRange } from './http-range-request.js';
import { perTestServer } from '../testing/per-test-server.js';

const content = makeContent(300_000);
let server: FaultServer;
let dir: string;
perTestServer((fixture) => ({ server, dir } = fixture));

describe('requestRange', () => {
  it('describes 200 and 206 responses', async () => {
    server.route('/f', (_req, _res, ctx) => ctx.sendFile({ body: content.body, etag: '"e"', lastModified: 'Tue, 01 Jan 2030 00:00:00 GMT' }));
    const full = await requestRange({ url: server.url('/f') });
    expect(full).toMatchObject({ status: 200, start: 0, totalSize: 300_000, etag: '"e"' });
    expect((await full.readAll(1e6)).equals(content.body)).toBe(true);
    const part = await requestRange({ url: server.url('/f'), start: 1000, ifRange: '"e"' });
    expect(part).toMatchObject({ status: 206, start: 1000, totalSize: 300_000, contentLength: 299_000, lastModified: 'Tue, 01 Jan 2030 00:00:00 GMT' });
    expect((await part.readAll(1e6)).equals(content.body.subarray(1000))).toBe(true);
    expect(server.requests[1]).toMatchObject({ range: 'bytes=1000-', ifRange: '"e"' });
  });

  it('parses Content-Range as RFC 9110 §14.4 defines it', () => {
    expect(parseContentRange(undefined)).toBeUndefined();
    expect(parseContentRange('bytes 10-19/100')).toEqual({ kind: 'range', first: 10, last: 19, complete: 100 });
    expect(parseContentRange('Bytes 0-0/*')).toEqual({ kind: 'range', first: 0, last: 0, complete: undefined });
    expect(parseContentRange('bytes */100')).toEqual({ kind: 'unsatisfied', complete: 100 });
    for (const invalid of ['bytes 20-10/100', 'bytes 0-99/99', 'bytes */*', 'items 0-1/2', 'bytes 1-2', 'bytes=1-2/3', '']) {
      expect(parseContentRange(invalid)).toBe('invalid');
    }
  });

  it('honours a 200 carrying the Content-Range asked for, and refuses one that starts elsewhere', async () => {
    server.route('/slice', (_req, _res, ctx) => ctx.sendFile({ body: content.body }, { rangeStatus: 200 }));
    const slice = await requestRange({ url: server.url('/slice'), start: 1000 });
    expect(slice).toMatchObject({ status: 200, start: 1000, end: 300_000, totalSize: 300_000, contentRange: 'bytes 1000-299999/300000' });
    expect((await slice.readAll(1e6)).equals(content.body.subarray(1000))).toBe(true);

    server.route('/other', (_req, _res, ctx) => ctx.sendFile({ body: content.body }, { serveFrom: 5 }));
    const error = await requestRange({ url: server.url('/other'), start: 1000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpProtocolFailure);
    expect(error).toMatchObject({ reason: 'range-mismatch', status: 206 });
    expect((error as Error).message).toContain('Content-Range "bytes 5-299999/300000" where Range: bytes=1000- was asked');
  });

  it('gives the complete length of a 416', async () => {
    server.route('/f', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const error = await requestRange({ url: server.url('/f'), start: 300_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpStatusFailure);
    expect(error).toMatchObject({ status: 416, completeLength: 300_000, retryable: false });
  });

  it('turns error statuses into HttpStatusFailure with Retry-After', async () => {
    server.route('/busy', (_req, _res, ctx) => ctx.sendStatus(429, { 'retry-after': '3' }));
    const error = await requestRange({ url: server.url('/busy') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpStatusFailure);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });
    const missing = await requestRange({ url: server.url('/nope') }).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 404, retryable: false });
  });

  it('stops after too many redirects and refuses other protocols', async () => {
    server.route('/loop', (_req, res) => res.writeHead(301, { location: '/loop' }).end());
    server.route('/ftp', (_req, res) => res.writeHead(302, { location: 'ftp://example.com/x' }).end());
    await expect(requestRange({ url: server.url('/loop'), maxRedirects: 3 })).rejects.toThrow(/too many redirects/);
    expect(server.requestsFor('/loop')).toHaveLength(4);
    await expect(requestRange({ url: server.url('/ftp') })).rejects.toThrow(/unsupported protocol/);
  });

  it('refuses header injection', async () => {
    await expect(requestRange({ url: server.url('/f'), headers: { 'x-a': 'b\r\nevil: 1' } })).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('pauses the socket while the sink is full and loses no byte (tiny ring, slow hash)', async () => {
    server.route('/f', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const handle = await open(join(dir, 'out'), 'w+');
    const hash = createIncrementalHash('sha256', { worker: false });
    // Hash updates resolve late, so slots stay busy and the ring fills up.
    const slowHash = { ...hash, algorithm: hash.algorithm, update: async (view: Uint8Array) => {
      await hash.update(view);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }, digest: () => hash.digest() };
    const writer = new BodyWriter(handle, 0, slowHash, content.body.length, () => undefined, { slotSize: 4096, slots: 2 });
    const reply = await requestRange({ url: server.url('/f') });
    await reply.pipeTo(writer);
    await writer.flush();
    await handle.close();
    expect(writer.position).toBe(content.body.length);
    expect(await slowHash.digest()).toBe(content.sha256);
    expect(await fileSha256(join(dir, 'out'))).toBe(content.sha256);
  });

  const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((path) => existsSync(path));
  it.skipIf(!openssl)('speaks HTTPS, trusting an extra CA', async () => {
    execFileSync(openssl as string, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = await readFile(join(dir, 'cert.pem'));
    const tlsServer = createServer({ key: await readFile(join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-length': String(content.body.length) }).end(content.body);
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const url = `https://localhost:${(tlsServer.address() as AddressInfo).port}/f`;
    try {
      await expect(requestRange({ url })).rejects.toThrow(/self[- ]signed|certificate/i);
      const reply = await requestRange({ url, ca: cert });
      expect((await reply.readAll(1e6)).equals(content.body)).toBe(true);
    } finally {
      tlsServer.closeAllConnections();
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });
});
