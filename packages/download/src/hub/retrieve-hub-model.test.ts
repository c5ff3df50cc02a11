import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError } from '../errors/checksum-error.js';
import { HubAuthError } from '../errors/hub-auth-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { QuantNotFoundError } from '../errors/quant-not-found-error.js';
import { retrieveModel } from '../retrieve-model.js';
import { startHubServer, type HubServer } from '../testing/hub-server.js';
import { listModelDir, makeTempDir, removeTempDir } from '../testing/temp-dir.js';

const single = randomBytes(70_000);
const q8 = randomBytes(50_000);
const parts = [randomBytes(40_000), randomBytes(30_000), randomBytes(20_000)];
const gated = randomBytes(10_000);
const older = randomBytes(5_000);
const splitName = (i: number) => `Q4_K_M/Model-Q4_K_M-0000${i}-of-00003.gguf`;

let hub: HubServer;
let dir: string;
const downloads = () => hub.requests.filter((r) => r.path.startsWith('/cdn/')).length;

beforeAll(async () => {
  hub = await startHubServer({
    'acme/Model-GGUF': {
      files: {
        'README.md': Buffer.from('# model'),
        'Model-Q5_K_M.gguf': single,
        'Model-Q8_0.gguf': q8,
        'mmproj-Model-F16.gguf': randomBytes(100),
        [splitName(1)]: parts[0]!,
        [splitName(2)]: parts[1]!,
        [splitName(3)]: parts[2]!,
      },
      revisions: { v1: { 'Model-Q5_K_M.gguf': older } },
    },
    'acme/Broken-GGUF': { files: { 'Broken-Q4_0-00001-of-00002.gguf': randomBytes(100) } },
    'acme/Gated-GGUF': { files: { 'Gated-Q4_0.gguf': gated }, gatedToken: 'hf_secret' },
  });
});
afterAll(() => hub?.close());
beforeEach(async () => {
  dir = await makeTempDir();
  hub.requests.length = 0;
});
afterEach(() => removeTempDir(dir));

describe('retrieveModel with hf: references', () => {
  it('downloads a named file from resolve/main, verified against the listed sha256, and finds it again', async () => {
    const options = { modelPath: dir, hubEndpoint: hub.url };
    const result = await retrieveModel('hf:acme/Model-GGUF/Model-Q5_K_M.gguf', options);
    expect(result).toEqual({ path: join(dir, 'Model-Q5_K_M.gguf'), entry: undefined, downloaded: true, parts: [join(dir, 'Model-Q5_K_M.gguf')] });
    expect((await readFile(result.path)).equals(single)).toBe(true);
    expect(hub.requests.map((r) => r.path).slice(0, 2)).toEqual(['/api/models/acme/Model-GGUF', '/acme/Model-GGUF/resolve/main/Model-Q5_K_M.gguf']);

    const again = await retrieveModel('hf:acme/Model-GGUF/Model-Q5_K_M.gguf', options);
    expect(again.downloaded).toBe(false);
    expect(downloads()).toBe(1);
    // Without downloads, no request at all.
    const before = hub.requests.length;
    expect((await retrieveModel('hf:acme/Model-GGUF/Model-Q5_K_M.gguf', { ...options, allowDownload: false })).path).toBe(result.path);
    expect(hub.requests.length).toBe(before);
  });

  it('chooses the file by quantisation, ignoring case', async () => {
    const result = await retrieveModel('hf:acme/Model-GGUF:q8_0', { modelPath: dir, hubEndpoint: hub.url });
    expect(result.path).toBe(join(dir, 'Model-Q8_0.gguf'));
    expect((await readFile(result.path)).equals(q8)).toBe(true);
    expect(await listModelDir(dir)).toEqual(['Model-Q8_0.gguf']);
  });

  it('says which quantisations exist when none matches', async () => {
    const error = await retrieveModel('hf:acme/Model-GGUF:Q2_K', { modelPath: dir, hubEndpoint: hub.url }).catch((e: unknown) => e);
    expect(QuantNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ repo: 'acme/Model-GGUF', quant: 'Q2_K', available: ['Q4_K_M', 'Q5_K_M', 'Q8_0'] });
    expect((error as Error).message).toContain('Available: Q4_K_M, Q5_K_M, Q8_0');
    expect(downloads()).toBe(0);
  });

  it('downloads and verifies every part of a split model and returns the first part', async () => {
    const expected = [1, 2, 3].map((i) => join(dir, `Model-Q4_K_M-0000${i}-of-00003.gguf`));
    const result = await retrieveModel('hf:acme/Model-GGUF:Q4_K_M', { modelPath: dir, hubEndpoint: hub.url });
    expect(result.path).toBe(expected[0]);
    expect(result.parts).toEqual(expected);
    for (const [i, path] of expected.entries()) expect((await readFile(path)).equals(parts[i]!)).toBe(true);
    expect(downloads()).toBe(3);

    // Naming any part means the whole model; nothing is fetched again.
    const bySecond = await retrieveModel(`hf:acme/Model-GGUF/${splitName(2)}`, { modelPath: dir, hubEndpoint: hub.url });
    expect(bySecond).toMatchObject({ path: expected[0], parts: expected, downloaded: false });
    expect(downloads()).toBe(3);
  });

  it('refuses a split model whose parts are not all in the repository', async () => {
    const error = await retrieveModel('hf:acme/Broken-GGUF:Q4_0', { modelPath: dir, hubEndpoint: hub.url }).catch((e: unknown) => e);
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'not-on-hub' });
    expect((error as Error).message).toContain('Broken-Q4_0-00002-of-00002.gguf');
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('finds a model named by quantisation offline from the cached listing, and says why it cannot without one', async () => {
    const offline = await retrieveModel('hf:acme/Model-GGUF:Q8_0', { modelPath: dir, hubEndpoint: hub.url, allowDownload: false }).catch((e: unknown) => e);
    expect(ModelNotFoundError.isInstance(offline)).toBe(true);
    expect(offline).toMatchObject({ reason: 'download-disabled' });
    expect(hub.requests).toEqual([]);

    await retrieveModel('hf:acme/Model-GGUF:Q8_0', { modelPath: dir, hubEndpoint: hub.url });
    const count = hub.requests.length;
    const found = await retrieveModel('hf:acme/Model-GGUF:Q8_0', { modelPath: dir, hubEndpoint: hub.url, allowDownload: false });
    expect(found.path).toBe(join(dir, 'Model-Q8_0.gguf'));
    expect(hub.requests.length).toBe(count);
  });

  it('asks for HF_TOKEN on a gated repository, and sends the token as a bearer credential', async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      const refused = await retrieveModel('hf:acme/Gated-GGUF:Q4_0', { modelPath: dir, hubEndpoint: hub.url }).catch((e: unknown) => e);
      expect(HubAuthError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ status: 401, repo: 'acme/Gated-GGUF', tokenSent: false });
      expect((refused as Error).message).toContain('set HF_TOKEN');

      const wrong = await retrieveModel('hf:acme/Gated-GGUF:Q4_0', { modelPath: dir, hubEndpoint: hub.url, token: 'hf_wrong' }).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: 'ERR_HUB_AUTH', status: 403, tokenSent: true });

      process.env.HF_TOKEN = 'hf_secret';
      const result = await retrieveModel('hf:acme/Gated-GGUF:Q4_0', { modelPath: dir, hubEndpoint: hub.url });
      expect((await readFile(result.path)).equals(gated)).toBe(true);
      const fileRequest = hub.requests.find((r) => r.path === '/acme/Gated-GGUF/resolve/main/Gated-Q4_0.gguf' && r.authorization !== undefined);
      expect(fileRequest?.authorization).toBe('Bearer hf_secret');
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
    }
  });

  it('uses HF_ENDPOINT, and another revision through /revision/ and resolve/<revision>', async () => {
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = hub.url;
    try {
      const result = await retrieveModel('hf:acme/Model-GGUF/Model-Q5_K_M.gguf', { modelPath: dir, revision: 'v1' });
      expect((await readFile(result.path)).equals(older)).toBe(true);
      expect(hub.requests.map((r) => r.path)).toContain('/api/models/acme/Model-GGUF/revision/v1');
      expect(hub.requests.map((r) => r.path)).toContain('/acme/Model-GGUF/resolve/v1/Model-Q5_K_M.gguf');
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved;
    }
  });

  it('rejects bytes that do not match the listed sha256, leaving no model file', async () => {
    hub.corrupt('acme/Model-GGUF', 'Model-Q8_0.gguf');
    const error = await retrieveModel('hf:acme/Model-GGUF:Q8_0', { modelPath: dir, hubEndpoint: hub.url, retry: { retries: 0 } }).catch((e: unknown) => e);
    expect(ChecksumError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ algorithm: 'sha256' });
    expect((await readdir(dir)).filter((name) => name.endsWith('.gguf'))).toEqual([]);
  });

  it('reports an unknown repository or file as not on the Hub', async () => {
    const repo = await retrieveModel('hf:acme/Nothing:Q4_0', { modelPath: dir, hubEndpoint: hub.url }).catch((e: unknown) => e);
    expect(repo).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND', reason: 'not-on-hub' });
    const file = await retrieveModel('hf:acme/Model-GGUF/Model-Q3_K.gguf', { modelPath: dir, hubEndpoint: hub.url }).catch((e: unknown) => e);
    expect(file).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND', reason: 'not-on-hub' });
    expect((file as Error).message).toContain('Model-Q8_0.gguf');
  });
});
