// Gpt4AllEmbeddings on real GGUF files. The checks follow @langchain/standard-tests' embeddings
// suites (not published to npm; see README): embedQuery, embedDocuments, many documents; plus
// Nomic's task prefixes and Matryoshka dimensionality, as @gpt4all/chat's embed has them.
import { loadModel } from '@gpt4all/chat';
import { symlink } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOptions, testModelPath } from '../test/models.js';
import { Gpt4AllEmbeddings } from './index.js';

let embedderPath: string;
let dir: string;
beforeAll(async () => {
  embedderPath = await testModelPath('embedder');
  dir = await mkdtemp(join(tmpdir(), 'gpt4all-langchain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const close = (a: readonly number[], b: ArrayLike<number>) => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
};

describe('Gpt4AllEmbeddings', () => {
  it('embedQuery and embedDocuments give the unit vectors model.embed() gives, for many documents too', async () => {
    await using embeddings = new Gpt4AllEmbeddings({ model: embedderPath, loadOptions });
    await using direct = await loadModel(embedderPath, loadOptions);
    const query = await embeddings.embedQuery('Where is the cat?');
    close(query, await direct.embed('Where is the cat?', { prefix: '' }));
    const documents = Array.from({ length: 120 }, (_, i) => `document number ${i} about cats`);
    const vectors = await embeddings.embedDocuments(documents);
    expect(vectors).toHaveLength(120);
    for (const vector of vectors) {
      expect(vector).toHaveLength(direct.info.embeddingLength);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    close(vectors[7]!, await direct.embed(documents[7]!, { prefix: '' }));
  });

  it('uses Nomic’s search_document and search_query prefixes, and cuts to `dimensionality`', async () => {
    const nomicPath = join(dir, 'nomic-embed-text-v1.5.f16.gguf');
    await symlink(embedderPath, nomicPath);
    await using direct = await loadModel(nomicPath, { ...loadOptions });
    await using embeddings = new Gpt4AllEmbeddings({ model: direct, dimensionality: 64 });
    const [document] = await embeddings.embedDocuments(['The cat sat.']);
    const query = await embeddings.embedQuery('The cat sat.');
    close(document!, await direct.embed('The cat sat.', { prefix: 'search_document', dimensionality: 64 }));
    close(query, await direct.embed('The cat sat.', { prefix: 'search_query', dimensionality: 64 }));
    expect(query).not.toEqual(document);
    await using clustering = new Gpt4AllEmbeddings({ model: direct, documentPrefix: 'clustering', queryPrefix: 'classification' });
    close((await clustering.embedDocuments(['x']))[0]!, await direct.embed('x', { prefix: 'clustering' }));
    close(await clustering.embedQuery('x'), await direct.embed('x', { prefix: 'classification' }));
    // A prefix Nomic was not trained with is a typed error.
    await using wrong = new Gpt4AllEmbeddings({ model: direct, documentPrefix: 'summarize' });
    await expect(wrong.embedDocuments(['x'])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
