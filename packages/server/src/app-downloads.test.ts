// The web app's downloads: the catalog (a file the test writes) lists a model that a loopback
// HTTP server sends (slowly at first); a download shows progress over /api/events, a cancel keeps
// the partial file, starting it again resumes from there, and the finished model is installed,
// listed and can chat. Downloads are refused for unknown or unsafe names, and deleting a model
// while it downloads is a conflict.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The download package's own loopback test server (Range support, throttling, request log).
import { FaultServer, type SendOptions } from '../../download/src/testing/fault-server.js';
import { AppEventsClient } from '../test/app-events-client.js';
import { postJson, quietServer } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type AppEvent, type DownloadState, type RunningServer } from './index.js';

const FILE = 'downloaded-chat.gguf';
const NAME = 'Downloaded Chat';
let dir: string;
let files: FaultServer;
let server: RunningServer;
let body: Buffer;
/** How the file is sent on the nth request for it (1-based). */
let sendOptions: (attempt: number) => SendOptions = () => ({});

beforeAll(async () => {
  body = await readFile(await testModelPath('chat'));
  dir = await mkdtemp(join(tmpdir(), 'gpt4all-app-downloads-'));
  files = await FaultServer.start();
  files.route(`/files/${FILE}`, (_request, _response, context) => context.sendFile({ body, etag: '"v1"' }, sendOptions(context.attempt)));
  const catalog = join(dir, 'catalog.json');
  const md5sum = createHash('md5').update(body).digest('hex');
  await writeFile(
    catalog,
    JSON.stringify([
      { order: 'a', name: NAME, filename: FILE, filesize: String(body.length), md5sum, ramrequired: '1', parameters: '1 million', quant: 'f32', description: '<p>A test model</p>', url: files.url(`/files/${FILE}`) },
      { order: 'b', name: 'Hidden', filename: 'hidden.gguf', filesize: '1', disableGUI: 'true', url: files.url('/files/hidden.gguf') },
    ]),
  );
  server = await startServer({ ...quietServer, models: [await testModelPath('chat')], modelsDir: join(dir, 'models'), catalogUrl: catalog, loadOnFirstRequest: true });
});
afterAll(async () => {
  await server?.close();
  await files?.close();
  await rm(dir, { recursive: true, force: true });
});

const getJson = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as any;
const isDownload = (state: DownloadState['state'], more: (d: DownloadState) => boolean = () => true) => (e: AppEvent): e is Extract<AppEvent, { type: 'download' }> =>
  e.type === 'download' && e.download.filename === FILE && e.download.state === state && more(e.download);

describe('GET /api/catalog', () => {
  it('lists the catalog’s models (not those hidden from the GUI), not installed yet', async () => {
    expect((await getJson('/api/catalog')).entries).toEqual([
      { name: NAME, filename: FILE, sizeBytes: body.length, ramRequiredGiB: 1, parameters: '1 million', quantization: 'f32', description: '<p>A test model</p>', installed: false, partialBytes: 0 },
    ]);
  });
});

describe('downloads', () => {
  it('shows progress, cancels keeping the part, resumes from it, and installs a model that chats', async () => {
    const events = await AppEventsClient.open(server.url);
    try {
      // About 12 MB/s: the first attempt runs for seconds, long enough to cancel it midway.
      sendOptions = (attempt) => (attempt === 1 ? { throttle: { chunk: 64 * 1024, intervalMs: 5 } } : {});
      const started = await postJson(`${server.url}/api/downloads`, { filename: FILE });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ filename: FILE, name: NAME, state: 'downloading', receivedBytes: 0, totalBytes: body.length, error: null });
      // Another start of the same file is the same download.
      expect((await postJson(`${server.url}/api/downloads`, { filename: FILE })).status).toBe(202);
      const progress = await events.waitFor(isDownload('downloading', (d) => d.receivedBytes > 1024 * 1024));
      expect(progress.download.bytesPerSecond).toBeGreaterThan(0);
      // A model being downloaded is not installed yet: DELETE finds no model (by its name, or by a
      // name that would complete to it), and the partial file stays.
      for (const name of [FILE, FILE.replace(/\.gguf$/, ''), `${FILE}.part`]) {
        expect((await fetch(`${server.url}/api/models/${name}`, { method: 'DELETE' })).status, name).toBe(404);
      }
      expect(existsSync(join(dir, "models", `${FILE}.part`))).toBe(true);

      const cancel = await fetch(`${server.url}/api/downloads/${FILE}`, { method: 'DELETE' });
      expect(cancel.status).toBe(200);
      const cancelled = (await cancel.json()) as DownloadState;
      expect(cancelled.state).toBe('cancelled');
      const part = (await stat(join(dir, 'models', `${FILE}.part`))).size;
      expect(part).toBeGreaterThan(0);
      expect(part).toBeLessThan(body.length);
      await events.waitFor(isDownload('cancelled'));
      expect((await fetch(`${server.url}/api/downloads/${FILE}`, { method: 'DELETE' })).status).toBe(404);
      // The catalog tells of the bytes to resume from (also after a restart, which forgets the download).
      expect((await getJson('/api/catalog')).entries[0]).toMatchObject({ installed: false, partialBytes: part });

      // Progress events came at most ~10 a second.
      const progressEvents = events.events.filter((e) => e.type === 'download' && e.download.state === 'downloading').length;
      expect(progressEvents).toBeGreaterThan(1);

      const count = events.events.length;
      const resumed = await postJson(`${server.url}/api/downloads`, { filename: FILE });
      expect(resumed.status).toBe(202);
      expect(resumed.body.receivedBytes).toBe(part);
      await events.waitFor(isDownload('done'));
      const second = events.events.slice(count).filter((e): e is Extract<AppEvent, { type: 'download' }> => e.type === 'download');
      // It never started again from 0: every report of the second run counts the part's bytes.
      expect(second.every((e) => e.download.receivedBytes >= part)).toBe(true);
      expect(second.at(-1)!.download).toMatchObject({ state: 'done', receivedBytes: body.length, totalBytes: body.length });
      await events.waitFor((e) => e.type === 'models-changed');
      // The second request asked for the rest only.
      const requests = files.requests.filter((r) => r.path === `/files/${FILE}`);
      expect(requests.at(-1)!.range).toBe(`bytes=${part}-`);
      expect(existsSync(join(dir, 'models', `${FILE}.part`))).toBe(false);

      expect((await getJson('/api/downloads')).downloads).toEqual([expect.objectContaining({ filename: FILE, state: 'done' })]);
      expect((await getJson('/api/catalog')).entries[0]).toMatchObject({ installed: true, partialBytes: 0 });
      expect((await getJson('/api/models')).models).toContainEqual(expect.objectContaining({ id: 'downloaded-chat', filename: FILE, catalogName: NAME, state: 'unloaded' }));
      const reply = await postJson(`${server.url}/v1/chat/completions`, { model: FILE, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
      expect(reply.status).toBe(200);
      expect(reply.body.model).toBe('downloaded-chat');
    } finally {
      events.close();
    }
  });

  it('reports a failed download with its message', async () => {
    const events = await AppEventsClient.open(server.url);
    try {
      await rm(join(dir, 'models', FILE));
      // A body that is not the catalog's file fails verification.
      sendOptions = () => ({});
      const real = body;
      body = Buffer.alloc(real.length, 1);
      try {
        expect((await postJson(`${server.url}/api/downloads`, { filename: FILE })).status).toBe(202);
        const failed = await events.waitFor(isDownload('failed'));
        expect(failed.download.error).toMatch(/md5|checksum/i);
      } finally {
        body = real;
      }
    } finally {
      events.close();
    }
  });

  it('refuses names the catalog does not have, and unsafe ones', async () => {
    const unknown = await postJson(`${server.url}/api/downloads`, { filename: 'nope.gguf' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'model_not_found', param: 'filename' });
    const unsafe = await postJson(`${server.url}/api/downloads`, { filename: '../evil.gguf' });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.code).toBe('ERR_UNSAFE_FILENAME');
    expect((await postJson(`${server.url}/api/downloads`, {})).body.error).toMatchObject({ code: 'missing_required_parameter', param: 'filename' });
  });
});
