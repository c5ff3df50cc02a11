import { createHash } from 'node:crypto';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions, tempDir } from '../test/helpers.js';
import { startModelServer, type ModelServer } from '../test/model-server.js';
import { Gpt4AllError, loadModel } from './index.js';

let server: ModelServer;
let chatPath: string;
let entry: Record<string, unknown>;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
  const bytes = await readFile(chatPath);
  entry = {
    order: 'a',
    name: 'Test Chat Model',
    filename: 'test-chat-model.gguf',
    filesize: String(bytes.length),
    md5sum: createHash('md5').update(bytes).digest('hex'),
    systemMessage: 'You are the catalog assistant.',
    // Catalog overrides become the sampling defaults.
    temperature: 0,
    maxLength: 5,
  };
  server = await startModelServer({ 'test-chat-model.gguf': chatPath }, (url) => [{ ...entry, url: `${url}/files/test-chat-model.gguf` }]);
});
afterAll(() => server?.close());

describe('loadModel', () => {
  it('downloads, verifies and loads a model named in the catalog, then finds it on disk', async () => {
    const dir = await tempDir();
    const progress: number[] = [];
    const options = { ...loadOptions, modelPath: dir.path, catalog: `${server.url}/models3.json` };
    const model = await loadModel('Test Chat Model', { ...options, onDownloadProgress: (p) => progress.push(p.bytes) });
    expect(server.requests).toContain('/files/test-chat-model.gguf');
    expect(progress.length).toBeGreaterThan(0);
    expect(model.catalogEntry?.name).toBe('Test Chat Model');
    expect(model.info.path).toBe(join(dir.path, 'test-chat-model.gguf'));
    expect((await stat(model.info.path)).size).toBe(Number(entry.filesize));

    // The catalog's system message and sampling overrides are the session's defaults.
    const chat = model.createChatSession();
    expect(chat.messages).toEqual([{ role: 'system', content: entry.systemMessage }]);
    const reply = await chat.send('Hello!');
    expect(reply.usage.completionTokens).toBeLessThanOrEqual(5);
    const again = model.createChatSession();
    expect((await again.send('Hello!')).text).toBe(reply.text); // temperature 0: deterministic
    await model.dispose();

    const downloads = server.requests.filter((p) => p.startsWith('/files/')).length;
    const local = await loadModel('test-chat-model.gguf', options);
    expect(server.requests.filter((p) => p.startsWith('/files/')).length).toBe(downloads);
    expect(local.catalogEntry?.name).toBe('Test Chat Model');
    await local.dispose();
    await dir.remove();
  });

  it('reports load progress, honours its signal, and gives its contexts the threads asked for', async () => {
    const progress: number[] = [];
    const model = await loadModel(chatPath, { catalog: false, onLoadProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
    expect(progress.at(-1)).toBe(1);
    // Without `threads` the engine chooses; ask for a count that differs from its choice.
    const engineChoice = (await model.sharedContext()).threads;
    const asked = engineChoice === 1 ? 2 : 1;
    await model.dispose();
    const threaded = await loadModel(chatPath, { catalog: false, threads: asked });
    expect((await threaded.sharedContext()).threads).toBe(asked);
    await threaded.dispose();

    const aborted = await loadModel(chatPath, { catalog: false, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(aborted).toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('says where it looked when the model is missing and downloads are off', async () => {
    const dir = await tempDir();
    const error = await loadModel('Test Chat Model', { modelPath: dir.path, allowDownload: false, catalog: [entry as never] }).catch((e: unknown) => e);
    expect(Gpt4AllError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
    expect((error as Error).message).toContain(join(dir.path, 'test-chat-model.gguf'));
    await dir.remove();
  });

  it('reads a catalog from a file, and checks a model already on disk against it', async () => {
    const dir = await tempDir();
    const catalogFile = join(dir.path, 'catalog.json');
    await writeFile(catalogFile, JSON.stringify([entry]));
    await copyFile(chatPath, join(dir.path, 'test-chat-model.gguf'));
    const requests = server.requests.length;
    const model = await loadModel('Test Chat Model', { ...loadOptions, modelPath: dir.path, catalog: catalogFile });
    expect(server.requests.length).toBe(requests);
    expect(model.catalogEntry?.name).toBe('Test Chat Model');
    await model.dispose();

    // A file that does not match the catalog's checksum is refused, not loaded.
    await writeFile(join(dir.path, 'test-chat-model.gguf'), 'not the model');
    const error = await loadModel('Test Chat Model', { modelPath: dir.path, catalog: catalogFile, allowDownload: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH' });
    await dir.remove();
  });

  it('loads a bare file name from the model directory, and paths as they are', async () => {
    const dir = await tempDir();
    await copyFile(chatPath, join(dir.path, 'my-model.gguf'));
    const byName = await loadModel('my-model.gguf', { ...loadOptions, modelPath: dir.path, catalog: false });
    expect(byName.info.path).toBe(join(dir.path, 'my-model.gguf'));
    expect(byName.catalogEntry).toBeUndefined();
    const byRelativePath = await loadModel(relative(process.cwd(), join(dir.path, 'my-model.gguf')), { ...loadOptions, catalog: false });
    expect(byRelativePath.info.path).toBe(join(dir.path, 'my-model.gguf'));
    const options = { ...greedy, maxTokens: 8 };
    const [a, b] = [await byName.createChatSession(options).send('Hi'), await byRelativePath.createChatSession(options).send('Hi')];
    expect(b.text).toBe(a.text);
    await Promise.all([byName.dispose(), byRelativePath.dispose()]);

    const missing = await loadModel(join(dir.path, 'absent.gguf'), { catalog: false }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });

    // With a catalog URL but no cached catalog, a file already on disk loads without a request.
    const before = server.requests.length;
    const offline = await loadModel('my-model.gguf', { ...loadOptions, modelPath: dir.path, catalogUrl: `${server.url}/models3.json` });
    expect(offline.info.path).toBe(join(dir.path, 'my-model.gguf'));
    expect(server.requests.length).toBe(before);
    await offline.dispose();
    await dir.remove();
  });
});
