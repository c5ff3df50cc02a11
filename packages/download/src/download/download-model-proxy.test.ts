import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { perTestServer } from '../testing/per-test-server.js';
import { ProxyServer } from '../testing/proxy-server.js';
import { opensslPath, selfSignedCert } from '../testing/self-signed-cert.js';
import { fileSha256 } from '../testing/temp-dir.js';
import { downloadModel } from './download-model.js';

const content = makeContent(400_000);
const checksum = { algorithm: 'sha256' as const, value: content.sha256 };
let server: FaultServer;
let dir: string;
let proxy: ProxyServer;
perTestServer((fixture) => ({ server, dir } = fixture));

/** Sets the proxy variables for one test (vi.unstubAllEnvs restores them); lower-case forms would win, so they are removed. */
function proxyEnv(values: { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string }): void {
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const) {
    vi.stubEnv(name.toLowerCase(), undefined);
    vi.stubEnv(name, values[name]);
  }
}

beforeEach(async () => {
  proxy = await ProxyServer.start();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await proxy.close();
});

describe('downloadModel through a proxy', () => {
  it('sends an http download through HTTP_PROXY (absolute-form request)', async () => {
    proxyEnv({ HTTP_PROXY: proxy.url });
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const result = await downloadModel(server.url('/m.gguf'), { modelPath: dir, checksum }).promise;
    expect(await fileSha256(result.path)).toBe(content.sha256);
    expect(proxy.requests).toEqual([{ method: 'GET', host: new URL(server.origin).host }]);
    expect(server.requestsFor('/m.gguf')).toHaveLength(1);
  });

  it.skipIf(!opensslPath)('tunnels an https download through HTTPS_PROXY with CONNECT, trusting `ca` end to end', async () => {
    const { key, cert } = await selfSignedCert(dir);
    const origin = createServer({ key, cert }, (_req, res) => {
      res.writeHead(200, { 'content-length': String(content.body.length) }).end(content.body);
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const port = (origin.address() as AddressInfo).port;
    try {
      proxyEnv({ HTTPS_PROXY: proxy.url });
      const url = `https://localhost:${port}/m.gguf`;
      const result = await downloadModel(url, { modelPath: dir, checksum, ca: cert }).promise;
      expect(await fileSha256(result.path)).toBe(content.sha256);
      expect(proxy.requests).toEqual([{ method: 'CONNECT', host: `localhost:${port}` }]);
    } finally {
      origin.closeAllConnections();
      await new Promise((resolve) => origin.close(resolve));
    }
  });

  it('goes direct to a host listed in NO_PROXY', async () => {
    proxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' });
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const result = await downloadModel(server.url('/m.gguf'), { modelPath: dir, checksum }).promise;
    expect(await fileSha256(result.path)).toBe(content.sha256);
    expect(server.requestsFor('/m.gguf')).toHaveLength(1);
    expect(proxy.requests).toEqual([]);
  });
});
