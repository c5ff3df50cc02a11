// loadModel('hf:...') against a loopback Hugging Face Hub serving a generated model.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../download/src/testing/hub-server.js';
import { loadOptions, tempDir } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { loadModel } from './index.js';

let hub: HubServer;
let chatPath: string;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
  hub = await startHubServer({
    'tests/Tiny-Chat-GGUF': { files: { 'README.md': Buffer.from('# tiny'), 'Tiny-Chat-F32.gguf': chatPath }, gatedToken: 'hf_test' },
  });
});
afterAll(() => hub?.close());

describe('loadModel with a Hugging Face reference', () => {
  it('downloads the file of the quantisation asked for, loads it, and loads it again without the network', async () => {
    const dir = await tempDir();
    const options = { ...loadOptions, modelPath: dir.path, hubEndpoint: hub.url, token: 'hf_test' };
    const progress: number[] = [];
    const model = await loadModel('hf:tests/Tiny-Chat-GGUF:f32', { ...options, onDownloadProgress: (p) => progress.push(p.bytes) });
    const path = join(dir.path, 'Tiny-Chat-F32.gguf');
    expect(model.info.path).toBe(path);
    expect((await readFile(path)).equals(await readFile(chatPath))).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(model.catalogEntry).toBeUndefined();
    expect((await model.complete('Hello', { maxTokens: 2, temperature: 0 })).usage.completionTokens).toBeGreaterThan(0);
    await model.dispose();

    const before = hub.requests.length;
    const offline = await loadModel('hf:tests/Tiny-Chat-GGUF/Tiny-Chat-F32.gguf', { ...options, allowDownload: false });
    expect(offline.info.path).toBe(path);
    expect(hub.requests.length).toBe(before);
    await offline.dispose();
    await dir.remove();
  });

  it('says to set HF_TOKEN when the gated repository refuses it', async () => {
    const dir = await tempDir();
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      const error = await loadModel('hf:tests/Tiny-Chat-GGUF:F32', { ...loadOptions, modelPath: dir.path, hubEndpoint: hub.url }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_HUB_AUTH', status: 401 });
      expect((error as Error).message).toContain('HF_TOKEN');
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
      await dir.remove();
    }
  });
});
