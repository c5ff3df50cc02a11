// Serving the web app (`webAppDir`): hashed assets cached for good, index.html revalidated with
// an ETag, unknown page paths answered with index.html (the app routes them), the APIs' unknown
// paths still JSON 404s, and a Content-Security-Policy that keeps the page on this server.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietServer } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type RunningServer } from './index.js';
import { WEB_APP_CSP } from './web-app.js';

const INDEX = '<!doctype html><title>GPT4All</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
let dir: string;
let app: RunningServer;
let plain: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpt4all-web-app-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log(1);');
  await writeFile(join(dir, '.env'), 'SECRET=1');
  const chat = await testModelPath('chat');
  // Nothing here generates: the model is not loaded.
  app = await startServer({ ...quietServer, models: [chat], loadOnFirstRequest: true, webAppDir: dir });
  plain = await startServer({ ...quietServer, models: [chat], loadOnFirstRequest: true });
});
afterAll(async () => {
  await app?.close();
  await plain?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A request over HTTP, as a browser sends it. */
async function request(server: RunningServer, options: { url: string; method?: string; headers?: Record<string, string> }) {
  const response = await fetch(`${server.url}${options.url}`, { method: options.method ?? 'GET', headers: options.headers });
  const body = await response.text();
  return { statusCode: response.status, body, headers: Object.fromEntries(response.headers), json: () => JSON.parse(body) };
}

/**
 * The status of a browser's revalidation (`If-None-Match`), sent with node:http: `fetch` adds
 * `Cache-Control: no-cache` to a conditional request, which asks for the whole file again.
 */
function revalidate(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'if-none-match': etag } }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    }).on('error', reject);
  });
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('webAppDir', () => {
  it('caches hashed assets for good', async () => {
    const response = await request(app, { url: '/assets/app-1a2b3c.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1);');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-type']).toMatch(/javascript/);
  });

  it('serves index.html at / with no-cache, an ETag (304 when unchanged) and the CSP', async () => {
    for (const url of ['/', '/index.html']) {
      const response = await request(app, { url, headers: html });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toBe(WEB_APP_CSP);
      expect(response.headers['content-security-policy']).toBe("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
      const etag = response.headers.etag as string;
      expect(etag).toBeTruthy();
      expect(await revalidate(`${app.url}${url}`, etag)).toBe(304);
    }
  });

  it('answers unknown page paths with index.html, and everything else with the JSON 404', async () => {
    const page = await request(app, { url: '/chats/42?x=1', headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(INDEX);
    expect(page.headers['cache-control']).toBe('no-cache');
    for (const url of ['/api/unknown', '/v1/nope', '/health/x', '/metrics/x', '/assets/missing.js', '/missing.js', '/.env']) {
      const response = await request(app, { url, headers: url.endsWith('.js') || url === '/.env' ? {} : html });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('not_found');
    }
    // The APIs answer as before.
    expect((await request(app, { url: '/v1/models' })).statusCode).toBe(200);
    expect((await request(app, { url: '/api/info' })).statusCode).toBe(200);
    expect((await request(app, { method: 'POST', url: '/chats/42', headers: html })).statusCode).toBe(404);
  });

  it('leaves / a JSON 404 when not set', async () => {
    const response = await request(plain, { url: '/', headers: html });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });
});
