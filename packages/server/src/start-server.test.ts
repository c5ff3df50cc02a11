// Starting a server: options are checked, models load at startup (or on their first request),
// ids come from file names, binding beyond loopback without a key warns, and a port in use fails.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf, postJson, quietServer } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { DEFAULTS } from '@gpt4all/chat';
import { createServer, SERVER_DEFAULTS, startServer } from './index.js';

let chat: string;
beforeAll(async () => {
  chat = await testModelPath('chat');
});

describe('options', () => {
  it.each([
    ['models that are not a list', { models: 'model.gguf' }, /models must be a list/],
    ['an empty model name', { models: [''] }, /models must be a list of model paths/],
    ['a port out of range', { port: 70000 }, /port must be a whole number from 0 to 65535/],
    ['parallel 0', { parallel: 0 }, /parallel must be a whole number from 1/],
    ['parallel over the engine’s most', { parallel: DEFAULTS.maxParallel + 1 }, /parallel must be a whole number from 1 to/],
    ['a negative maxQueue', { maxQueue: -1 }, /maxQueue/],
    ['an empty apiKey', { apiKey: '' }, /apiKey must be a non-empty string/],
    ['cors as a string', { cors: 'http://x' }, /cors must be a list of origins/],
    ['a fractional bodyLimit', { bodyLimit: 1.5 }, /bodyLimit/],
  ])('refuses %s with ERR_INVALID_ARGUMENT', async (_name, options, message) => {
    await expect(startServer({ models: [chat], ...(options as object) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(message) });
  });

  it('defaults to 127.0.0.1:4891 (GPT4All’s port), the engine’s parallel sequences, 4 MiB bodies', () => {
    expect(SERVER_DEFAULTS).toMatchObject({ host: '127.0.0.1', port: 4891, parallel: DEFAULTS.parallel, bodyLimit: 4 * 1024 * 1024, closeGraceMs: 10_000 });
  });

  it('fails to start on a model that cannot be loaded, and when two models would share an id', async () => {
    await expect(startServer({ ...quietServer, models: ['/nonexistent/model.gguf'] })).rejects.toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
    await expect(startServer({ ...quietServer, models: [chat, `${chat}`] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/two models would be served as/) });
  });
});

describe('binding', () => {
  it('binds loopback by default; another host without apiKey logs a warning, with one it does not', async () => {
    const lines: string[] = [];
    const local = await startServer({ ...quietServer, models: [chat], log: (line) => lines.push(line) });
    expect(local.host).toBe('127.0.0.1');
    expect(local.url).toBe(`http://127.0.0.1:${local.port}`);
    await local.close();
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);

    const open = await startServer({ ...quietServer, models: [chat], host: '0.0.0.0', log: (line) => lines.push(line) });
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([expect.stringMatching(/listening on 0\.0\.0\.0 without an API key/)]);
    expect(open.url).toBe(`http://127.0.0.1:${open.port}`);
    // Closing twice is one close.
    await Promise.all([open.close(), open.close()]);

    lines.length = 0;
    const keyed = await startServer({ ...quietServer, models: [chat], host: '0.0.0.0', apiKey: 'k', log: (line) => lines.push(line) });
    await keyed.close();
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const first = await startServer({ ...quietServer, models: [chat] });
    try {
      await expect(startServer({ ...quietServer, models: [chat], port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});

describe('loadOnFirstRequest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpt4all-server-'));
    await copyFile(chat, join(dir, 'my-model.gguf'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('starts at once, lists the models, loads one on its first request; one that cannot load is a 500 that names why', async () => {
    const server = await startServer({ ...quietServer, models: ['my-model', '/nonexistent/broken.gguf'], modelsDir: dir, loadOnFirstRequest: true });
    try {
      expect(server.models).toEqual(['my-model', 'broken']);
      const states = async () => ((await (await fetch(`${server.url}/health`)).json()) as { models: { state: string; error?: string }[] }).models;
      expect((await states()).map((m) => m.state)).toEqual(['unloaded', 'unloaded']);
      const ask = (model: string) => postJson(`${server.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 });
      // Requests arriving during the load share it.
      const [a, b] = await Promise.all([ask('my-model'), ask('my-model.gguf')]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const broken = await ask('broken');
      expect(broken.status).toBe(500);
      expect(broken.body.error).toMatchObject({ type: 'server_error', code: 'ERR_MODEL_NOT_FOUND' });
      expect(broken.body.error.message).not.toMatch(/\n\s+at /);
      // Health tells a probe which model is up and why the other is not.
      const [loaded, failed] = await states();
      expect(loaded).toMatchObject({ state: 'loaded' });
      expect(failed).toMatchObject({ state: 'failed', error: broken.body.error.message });
    } finally {
      await server.close();
    }
  });
});

describe('createServer', () => {
  it('builds the app without listening, for in-process requests', async () => {
    // A model directory with nothing in it: /v1/models lists the given model only.
    const app = await createServer({ ...quietServer, models: [chat], modelsDir: join(tmpdir(), 'gpt4all-no-such-dir') });
    try {
      expect(app.gpt4all.models).toEqual([idOf(chat)]);
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.json()).toEqual({ status: 'ok', models: [{ id: idOf(chat), state: 'loaded', running: 0, waiting: 0 }] });
      const models = await app.inject({ method: 'GET', url: '/v1/models' });
      expect(models.json().data.map((m: { id: string }) => m.id)).toEqual([idOf(chat)]);
    } finally {
      await app.close();
    }
  });

  it('sizes each sequence of a model’s context with contextSize', async () => {
    const app = await createServer({ ...quietServer, models: [chat], contextSize: 256, parallel: 2 });
    try {
      const content = 'hello '.repeat(300);
      const response = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: idOf(chat), messages: [{ role: 'user', content }], max_tokens: 4 } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toMatch(/context holds 256 tokens/);
      const fits = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: idOf(chat), messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 } });
      expect(fits.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
