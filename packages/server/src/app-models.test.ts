// The web app's model API: /api/models lists served and installed models, an installed model
// that was not given with `models` can be chatted with by its file name (loaded on demand, with
// model-load events over /api/events), /api/models/load reloads with another context size,
// DELETE removes a model, and the API key and path rules of /v1 hold for /api.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppEventsClient } from '../test/app-events-client.js';
import { idOf, postJson, quietServer } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type AppModel, type RunningServer } from './index.js';

let dir: string;
let chat: string;
let server: RunningServer;
const INSTALLED = 'installed-model.gguf';

beforeAll(async () => {
  chat = await testModelPath('chat');
  dir = await mkdtemp(join(tmpdir(), 'gpt4all-app-models-'));
  await copyFile(chat, join(dir, INSTALLED));
  // An empty catalog: nothing here is looked up on the network.
  await writeFile(join(dir, 'catalog.json'), '[]');
  server = await startServer({ ...quietServer, models: [chat], modelsDir: dir, contextSize: 512, catalogUrl: join(dir, 'catalog.json') });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const getJson = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as any };
};
const models = async (): Promise<AppModel[]> => (await getJson('/api/models')).body.models;
const ask = (model: string) => ({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4, temperature: 0 });

describe('GET /api/models', () => {
  it('lists the served model (loaded) and the installed one (unloaded, read from its header)', async () => {
    const list = await models();
    expect(list).toEqual([
      expect.objectContaining({ id: idOf(chat), filename: null, state: 'loaded', architecture: 'qwen2', contextSize: 512, loadError: null, chatTemplate: expect.any(String), eosToken: expect.any(String) }),
      expect.objectContaining({ id: 'installed-model', filename: INSTALLED, state: 'unloaded', architecture: 'qwen2', contextSize: null, trainedContextSize: expect.any(Number), chatTemplate: null }),
    ]);
    expect(list[1]!.sizeBytes).toBeGreaterThan(0);
    // OpenAI clients see the same models, the unloaded one too (a request naming it loads it).
    expect((await getJson('/v1/models')).body.data.map((m: { id: string }) => m.id)).toEqual([idOf(chat), 'installed-model']);
  });
});

describe('an installed model that is not served', () => {
  it('answers a chat by its file name, loaded on demand with model-load events', async () => {
    const events = await AppEventsClient.open(server.url);
    try {
      expect(events.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(events.response.headers.get('cache-control')).toBe('no-cache');
      const reply = await postJson(`${server.url}/v1/chat/completions`, ask(INSTALLED));
      expect(reply.status).toBe(200);
      expect(reply.body.model).toBe('installed-model');
      await events.waitFor((e) => e.type === 'model-load' && e.id === 'installed-model' && e.state === 'loaded');
      const loads = events.events.filter((e) => e.type === 'model-load');
      expect(loads[0]).toEqual({ type: 'model-load', id: 'installed-model', state: 'loading', progress: 0, error: null });
      expect(loads.at(-1)).toEqual({ type: 'model-load', id: 'installed-model', state: 'loaded', progress: 1, error: null });
      expect(events.text).toMatch(/^: connected\n\nevent: model-load\ndata: \{/);
      // Its id names it too, and /v1/models lists it.
      expect((await postJson(`${server.url}/v1/chat/completions`, ask('installed-model'))).status).toBe(200);
      expect((await getJson('/v1/models')).body.data.map((m: { id: string }) => m.id)).toContain('installed-model');
      expect((await models()).find((m) => m.id === 'installed-model')).toMatchObject({ state: 'loaded', filename: INSTALLED, contextSize: 512 });
    } finally {
      events.close();
    }
  });

  it('reloads with another context size (POST /api/models/load), then still chats', async () => {
    const first = await postJson(`${server.url}/api/models/load`, { id: 'installed-model', contextSize: 256 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'installed-model', state: 'loaded', contextSize: 256 });
    // Requests in flight finish on the old one: a chat started together with a reload completes.
    const [reply, second] = await Promise.all([postJson(`${server.url}/v1/chat/completions`, ask('installed-model')), postJson(`${server.url}/api/models/load`, { id: 'installed-model', contextSize: 384 })]);
    expect(reply.status).toBe(200);
    expect(second.body).toMatchObject({ state: 'loaded', contextSize: 384 });
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('installed-model'))).status).toBe(200);
    // The same size again is no reload: it answers at once, as loaded.
    expect((await postJson(`${server.url}/api/models/load`, { id: 'installed-model', contextSize: 384 })).body.contextSize).toBe(384);
  });

  it('refuses unknown models and bad bodies', async () => {
    const unknown = await postJson(`${server.url}/api/models/load`, { id: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'model_not_found', param: 'id', type: 'invalid_request_error' });
    const bad = await postJson(`${server.url}/api/models/load`, { id: 'installed-model', contextSize: 'big' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ param: 'contextSize', code: 'invalid_type' });
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('../installed-model.gguf'))).status).toBe(404);
  });

  it('DELETE /api/models/:filename unloads and removes it; path traversal is refused', async () => {
    const events = await AppEventsClient.open(server.url);
    try {
      const traversal = await fetch(`${server.url}/api/models/..%2F${INSTALLED}`, { method: 'DELETE' });
      expect(traversal.status).toBe(400);
      expect(((await traversal.json()) as any).error.code).toBe('ERR_UNSAFE_FILENAME');
      const removed = await fetch(`${server.url}/api/models/${INSTALLED}`, { method: 'DELETE' });
      expect(removed.status).toBe(204);
      expect(existsSync(join(dir, INSTALLED))).toBe(false);
      await events.waitFor((e) => e.type === 'models-changed');
      expect(events.events).toContainEqual({ type: 'model-load', id: 'installed-model', state: 'unloaded', progress: 0, error: null });
      expect((await models()).map((m) => m.id)).toEqual([idOf(chat)]);
      expect((await postJson(`${server.url}/v1/chat/completions`, ask(INSTALLED))).status).toBe(404);
      const again = await fetch(`${server.url}/api/models/${INSTALLED}`, { method: 'DELETE' });
      expect(again.status).toBe(404);
      // Other files and folders of the model directory are not models: never deleted.
      await writeFile(join(dir, 'localdocs_v2.db'), 'not a model');
      await mkdir(join(dir, 'folder.gguf'), { recursive: true });
      for (const name of ['localdocs_v2.db', 'folder.gguf']) {
        expect((await fetch(`${server.url}/api/models/${name}`, { method: 'DELETE' })).status, name).toBe(404);
        expect(existsSync(join(dir, name)), name).toBe(true);
      }
    } finally {
      events.close();
    }
  });
});

describe('removing the model the server was started with', () => {
  it('stops serving it: no ghost in /api/models or /v1/models', async () => {
    const own = await mkdtemp(join(tmpdir(), 'gpt4all-app-models-given-'));
    await copyFile(chat, join(own, 'given.gguf'));
    await writeFile(join(own, 'catalog.json'), '[]');
    const given = await startServer({ ...quietServer, models: [join(own, 'given.gguf')], modelsDir: own, contextSize: 512, catalogUrl: join(own, 'catalog.json') });
    try {
      const list = async (path: string) => (await (await fetch(`${given.url}${path}`)).json()) as any;
      expect((await list('/api/models')).models.map((m: AppModel) => m.id)).toEqual(['given']);
      expect((await fetch(`${given.url}/api/models/given.gguf`, { method: 'DELETE' })).status).toBe(204);
      expect((await list('/api/models')).models).toEqual([]);
      expect((await list('/v1/models')).data).toEqual([]);
      expect((await postJson(`${given.url}/v1/chat/completions`, ask('given'))).status).toBe(404);
    } finally {
      await given.close();
      await rm(own, { recursive: true, force: true });
    }
  });
});

describe('GET /api/info', () => {
  it('gives the version, the model directory and the defaults', async () => {
    const { body } = await getJson('/api/info');
    expect(body).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), modelsDir: dir, apiKeyRequired: false, defaults: { contextSize: 512, temperature: expect.any(Number), maxTokens: expect.any(Number) } });
  });
});

describe('guards', () => {
  it('needs the API key on /api as on /v1, and closes with an event stream open', async () => {
    const keyed = await startServer({ ...quietServer, models: [chat], modelsDir: dir, apiKey: 'secret', loadOnFirstRequest: true, catalogUrl: join(dir, 'catalog.json') });
    const events = await AppEventsClient.open(keyed.url, { authorization: 'Bearer secret' });
    try {
      // Percent-encoded paths reach the same routes (the router decodes them): they need the key too.
      for (const path of ['/api/models', '/api/info', '/api/events', '/api/catalog', '/api/downloads', '/%61pi/info', '/v%31/models', '/%61%70%69/models']) {
        const response = await fetch(`${keyed.url}${path}`);
        expect(response.status, path).toBe(401);
        expect(((await response.json()) as any).error.code).toBe('invalid_api_key');
      }
      const info = await fetch(`${keyed.url}/api/info`, { headers: { authorization: 'Bearer secret' } });
      expect(((await info.json()) as any).apiKeyRequired).toBe(true);
      expect((await fetch(`${keyed.url}/api/models`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${keyed.url}/%61pi/models/x.gguf`, { method: 'DELETE' })).status).toBe(401);
      expect((await fetch(`${keyed.url}/v%31/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    } finally {
      const started = Date.now();
      await keyed.close();
      expect(Date.now() - started).toBeLessThan(5000);
      await events.ended;
      events.close();
    }
  });
});

describe('maxLoadedModels', () => {
  it('unloads the least recently used idle model served on demand before loading another', async () => {
    const own = await mkdtemp(join(tmpdir(), 'gpt4all-app-max-loaded-'));
    for (const name of ['a.gguf', 'b.gguf', 'c.gguf']) await copyFile(chat, join(own, name));
    await writeFile(join(own, 'catalog.json'), '[]');
    const limited = await startServer({ ...quietServer, models: [], modelsDir: own, contextSize: 256, maxLoadedModels: 2, catalogUrl: join(own, 'catalog.json') });
    try {
      const states = async () => {
        const list = ((await (await fetch(`${limited.url}/api/models`)).json()) as { models: AppModel[] }).models;
        return Object.fromEntries(list.map((m) => [m.filename, m.state]));
      };
      const use = async (name: string) => expect((await postJson(`${limited.url}/v1/chat/completions`, ask(name))).status).toBe(200);
      await use('a.gguf');
      await use('b.gguf');
      expect(await states()).toEqual({ 'a.gguf': 'loaded', 'b.gguf': 'loaded', 'c.gguf': 'unloaded' });
      await use('c.gguf');
      expect(await states()).toEqual({ 'a.gguf': 'unloaded', 'b.gguf': 'loaded', 'c.gguf': 'loaded' });
      await use('a.gguf');
      expect(await states()).toEqual({ 'a.gguf': 'loaded', 'b.gguf': 'unloaded', 'c.gguf': 'loaded' });
    } finally {
      await limited.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('is checked', async () => {
    await expect(startServer({ ...quietServer, models: [], modelsDir: dir, maxLoadedModels: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/maxLoadedModels/) });
  });
});
