import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogInvalidError } from '../errors/catalog-invalid-error.js';
import { CatalogUnavailableError } from '../errors/catalog-unavailable-error.js';
import { FaultServer } from '../testing/fault-server.js';
import { catalogCachePath, DEFAULT_CATALOG_URL, fetchCatalog } from './fetch-catalog.js';
import { findCatalogEntry } from './find-catalog-entry.js';
import { parseCatalog } from './parse-catalog.js';
import { perTestServer } from '../testing/per-test-server.js';

const FIXTURES = fileURLToPath(new URL('../../../../../shared/fixtures/gpt4all/', import.meta.url));
const catalog = [
  { order: 'a', name: 'Small Chat', filename: 'small-chat.Q4_0.gguf', filesize: '1000', md5sum: 'a'.repeat(32), systemMessage: 'Be nice.' },
  { order: 'b', name: 'Small Embed', filename: 'small-embed.f16.gguf', filesize: '500', sha256sum: 'b'.repeat(64), embeddingModel: true },
];

let server: FaultServer;
let dir: string;
perTestServer((fixture) => ({ server, dir } = fixture));

function serveJson(path: string, value: unknown): void {
  server.route(path, (_req, _res, ctx) => ctx.sendFile({ body: Buffer.from(JSON.stringify(value)) }));
}

describe('fetchCatalog', () => {
  it('defaults to the GPT4All catalog URL', () => {
    expect(DEFAULT_CATALOG_URL).toBe('https://gpt4all.io/models/models3.json');
  });

  it('fetches, validates and caches; then works offline from the cache', async () => {
    serveJson('/models3.json', catalog);
    const url = server.url('/models3.json');
    const online = await fetchCatalog({ url, cacheDir: dir });
    expect(online).toMatchObject({ source: 'network', location: url, issues: [] });
    expect(online.entries.map((entry) => entry.filename)).toEqual(['small-chat.Q4_0.gguf', 'small-embed.f16.gguf']);
    expect(JSON.parse(await readFile(catalogCachePath(url, dir), 'utf8'))).toEqual(catalog);

    await server.close();
    const offline = await fetchCatalog({ url, cacheDir: dir, timeoutMs: 2000 });
    expect(offline.source).toBe('cache');
    expect(offline.staleReason).toBeTruthy();
    expect(offline.entries).toEqual(online.entries);
    expect((await fetchCatalog({ url, cacheDir: dir, offline: true })).entries).toHaveLength(2);
  });

  it('offline, never touches the network, even when it is up', async () => {
    serveJson('/models3.json', catalog);
    const url = server.url('/models3.json');
    const error = await fetchCatalog({ url, cacheDir: dir, offline: true }).catch((caught: unknown) => caught);
    expect(CatalogUnavailableError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
    await fetchCatalog({ url, cacheDir: dir });
    expect((await fetchCatalog({ url, cacheDir: dir, offline: true })).source).toBe('cache');
    expect(server.requests).toHaveLength(1);
  });

  it('uses a fresh enough cache without the network', async () => {
    serveJson('/models3.json', catalog);
    const url = server.url('/models3.json');
    await fetchCatalog({ url, cacheDir: dir });
    const cached = await fetchCatalog({ url, cacheDir: dir, maxAgeMs: 60_000 });
    expect(cached.source).toBe('cache');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects an invalid catalog and never caches it over a good one', async () => {
    const url = server.url('/models3.json');
    serveJson('/models3.json', catalog);
    await fetchCatalog({ url, cacheDir: dir });
    serveJson('/models3.json', [{ name: 'evil', filename: '../../x' }]);
    const fallback = await fetchCatalog({ url, cacheDir: dir });
    expect(fallback.source).toBe('cache');
    expect(fallback.staleReason).toContain('[0].filename: contains a path separator');
    expect(JSON.parse(await readFile(catalogCachePath(url, dir), 'utf8'))).toEqual(catalog);

    const other = server.url('/other.json');
    server.route('/other.json', (_req, _res, ctx) => ctx.sendFile({ body: Buffer.from('{not json') }));
    const error = await fetchCatalog({ url: other, cacheDir: dir }).catch((caught: unknown) => caught);
    expect(CatalogInvalidError.isInstance(error)).toBe(true);
    expect((error as CatalogInvalidError).issues[0]).toMatch(/invalid JSON/);
  });

  it('can skip invalid entries instead of rejecting the catalog', async () => {
    const file = join(dir, 'mixed.json');
    await writeFile(file, JSON.stringify([...catalog, { name: 'bad', filename: '/abs.gguf' }]));
    const result = await fetchCatalog({ file, invalidEntries: 'skip' });
    expect(result).toMatchObject({ source: 'file', location: file });
    expect(result.entries).toHaveLength(2);
    expect(result.issues).toEqual(['[2].filename: contains a path separator']);
    await expect(fetchCatalog({ file })).rejects.toSatisfy((error) => CatalogInvalidError.isInstance(error));
  });

  it('reports an unavailable catalog with no cache', async () => {
    const error = await fetchCatalog({ url: server.url('/gone.json'), cacheDir: dir }).catch((caught: unknown) => caught);
    expect(CatalogUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_CATALOG_UNAVAILABLE', cachePath: catalogCachePath(server.url('/gone.json'), dir) });
    expect(parseCatalog(catalog).source).toBe('inline');
  });

  describe.skipIf(!existsSync(FIXTURES))('real GPT4All catalogs', () => {
    it.each(['models3.json', 'models2.json'])('parses %s without issues', async (name) => {
      const result = await fetchCatalog({ file: join(FIXTURES, name) });
      const raw = JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as unknown[];
      expect(result.entries).toHaveLength(raw.length);
      expect(result.entries.every((entry) => entry.md5sum !== undefined || entry.sha256sum !== undefined)).toBe(true);
    });

    it('finds models3 entries with their templates', async () => {
      const result = await fetchCatalog({ file: join(FIXTURES, 'models3.json') });
      const llama = findCatalogEntry(result, 'Llama 3 8B Instruct');
      expect(llama?.filename).toBe('Meta-Llama-3-8B-Instruct.Q4_0.gguf');
      expect(llama?.promptTemplate).toContain('%1');
      expect(typeof llama?.chatTemplate).toBe('string');
      const embed = findCatalogEntry(result, 'nomic-embed-text-v1.5.f16');
      expect(embed).toMatchObject({ embeddingModel: true, disableGUI: true });
      const deepseek = result.entries.find((entry) => entry.sha256sum);
      expect(deepseek?.sha256sum).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});
