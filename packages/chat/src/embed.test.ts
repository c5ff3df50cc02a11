import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadOptions, tempDir } from '../test/helpers.js';
import { findEmbeddingSpec } from './embedding-models.js';
import { ChatError, loadModel, type Model } from './index.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const unitOf = (v: Float32Array) => v.map((x) => x / norm(v));
const centre = (v: Float32Array) => {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return v.map((x) => x - mean);
};
const expectClose = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
};

let bert: Model;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  bert = await loadModel(await testModelPath('bert'), loadOptions);
  dir = await tempDir();
});
afterAll(async () => {
  await bert?.dispose();
  await dir?.remove();
});

const texts = ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'A kitten rests on a rug.'];
// About 1,100 tokens: more than two 512-token chunks.
const long = 'The quick brown fox jumps over the lazy dog while the cat watches. '.repeat(80);

describe('embed', () => {
  it('cuts vectors to `dimensionality`: the renormalised beginning of the full vector', async () => {
    expect(bert.info.embeddingLength).toBe(256);
    for (const text of [texts[0]!, long]) {
      const full = await bert.embed(text, { prefix: '' });
      const cut = await bert.embed(text, { prefix: '', dimensionality: 128 });
      expect(cut).toBeInstanceOf(Float32Array);
      expect(cut.length).toBe(128);
      expect(norm(cut)).toBeCloseTo(1, 5);
      const head = full.subarray(0, 128);
      expectClose(cut, head.map((x) => x / norm(head)));
    }
    await expect(bert.embed('x', { prefix: '', dimensionality: 257 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it("averages long texts with 'mean' and cuts them with 'truncate'; short texts agree", async () => {
    const [meanLong, truncLong] = [await bert.embed(long, { prefix: '' }), await bert.embed(long, { prefix: '', longText: 'truncate' })];
    expect(norm(meanLong)).toBeCloseTo(1, 5);
    expect(norm(truncLong)).toBeCloseTo(1, 5);
    const difference = Math.max(...meanLong.map((x, i) => Math.abs(x - truncLong[i]!)));
    expect(difference).toBeGreaterThan(1e-3);
    const [meanShort, truncShort] = [await bert.embed(texts[1]!, { prefix: '' }), await bert.embed(texts[1]!, { prefix: '', longText: 'truncate' })];
    expect(Array.from(truncShort)).toEqual(Array.from(meanShort));
    // The engine alone refuses the long text: chunking is what makes it work.
    await expect(bert.engine.embed(long)).rejects.toMatchObject({ code: 'ERR_CONTEXT_OVERFLOW' });
  });

  it("averages a long text's chunks: the context's worth of tokens each, overlapping by 8", async () => {
    const engine = bert.engine;
    const tokens = engine.tokenize(long);
    const framed = engine.tokenize('hello', { addSpecial: true }); // [CLS] hello [SEP]
    const room = engine.embeddingContextSize - 2;
    expect(tokens.length).toBeGreaterThan(2 * room);
    const chunks: number[][] = [];
    // Each chunk starts 8 tokens before the previous one ended; the last one reaches the end.
    for (let start = 0, more = true; more; start += room - 8) {
      chunks.push([framed[0]!, ...tokens.slice(start, start + room), framed.at(-1)!]);
      more = start + room < tokens.length;
    }
    expect(chunks).toHaveLength(3);
    const vectors = await engine.embedTokens(chunks); // each of unit length
    const sum = Float32Array.from(vectors[0]!, (_, i) => vectors.reduce((s, v) => s + v[i]!, 0));
    expectClose(await bert.embed(long, { prefix: '' }), unitOf(sum));
  });

  it('batches many texts, giving each the vector it gets alone', async () => {
    const batch = await bert.embed([...texts, long], { prefix: '' });
    expect(batch).toHaveLength(4);
    for (const [i, text] of [...texts, long].entries()) expectClose(batch[i]!, await bert.embed(text, { prefix: '' }));
    expect(await bert.embed([], { prefix: '' })).toEqual([]);
  });

  it('stops at its signal', async () => {
    await expect(bert.embed([...texts, long], { prefix: '', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect((await bert.embed(texts[0]!, { prefix: '' })).length).toBe(256);
  });

  it('needs a prefix for a model it does not know, and uses the one given', async () => {
    const error = await bert.embed('hello').catch((e: unknown) => e);
    expect(ChatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_EMBEDDING_PREFIX_REQUIRED' });
    const [plain, prefixed] = [await bert.embed('hello', { prefix: '' }), await bert.embed('hello', { prefix: 'query' })];
    expect(Array.from(prefixed)).not.toEqual(Array.from(plain));
  });

  it("applies Nomic's task prefixes and Matryoshka dimensions", async () => {
    const path = join(dir.path, 'nomic-embed-text-v1.5.f16.gguf');
    await symlink(await testModelPath('bert'), path);
    const nomic = await loadModel(path, { ...loadOptions, catalog: false });
    const byDefault = await nomic.embed(texts[0]!);
    expectClose(byDefault, await nomic.embed(texts[0]!, { prefix: 'search_document' }));
    // `null`: the default of a model GPT4All knows, none for one it does not.
    expectClose(await nomic.embed(texts[0]!, { prefix: null }), byDefault);
    expectClose(await bert.embed(texts[0]!, { prefix: null }), await bert.embed(texts[0]!, { prefix: '' }));
    expect(nomic.embeddingTasks).toEqual(['search_document', 'search_query', 'clustering', 'classification']);
    expect(bert.embeddingTasks).toBeUndefined();
    const query = await nomic.embed(texts[0]!, { prefix: 'search_query' });
    expect(Array.from(query)).not.toEqual(Array.from(byDefault));
    await expect(nomic.embed('x', { prefix: 'summarize' })).rejects.toThrow(/search_document.*search_query.*clustering.*classification/);
    const cut = await nomic.embed(texts[0]!, { dimensionality: 64 });
    expect(cut.length).toBe(64);
    expect(norm(cut)).toBeCloseTo(1, 5);
    await nomic.dispose();

    const v1Path = join(dir.path, 'nomic-embed-text-v1.f16.gguf');
    await symlink(await testModelPath('bert'), v1Path);
    const v1 = await loadModel(v1Path, { ...loadOptions, catalog: false });
    await expect(v1.embed('x', { dimensionality: 64 })).rejects.toThrow(/not trained for shorter vectors/);
    expect((await v1.embed('x')).length).toBe(256);
    await v1.dispose();
  });

  it('gives nomic-embed-text-v1.5 the layer norm that Matryoshka truncation expects, and v1 none', async () => {
    // The test BERT's own output layer norm already centres its vectors, so a mean-pooled LLaMA
    // stands in: its vectors are not centred, and the layer norm shows.
    const llamaPath = await testModelPath('plain');
    const [v15Path, v1Path] = [join(dir.path, 'nomic-embed-text-v1.5.Q4_0.gguf'), join(dir.path, 'nomic-embed-text-v1.Q4_0.gguf')];
    await Promise.all([symlink(llamaPath, v15Path), symlink(llamaPath, v1Path)]);
    const load = (path: string) => loadModel(path, { ...loadOptions, catalog: false });
    const [llama, v15, v1] = await Promise.all([load(llamaPath), load(v15Path), load(v1Path)]);
    try {
      const plain = await llama.embed(texts[0]!, { prefix: 'search_document' });
      const centred = centre(plain);
      expect(Math.max(...centred.map((x, i) => Math.abs(x - plain[i]!)))).toBeGreaterThan(1e-3);
      // Layer norm, then unit length: the plain vector with the mean of its components taken out.
      expectClose(await v15.embed(texts[0]!), unitOf(centred));
      // Cut after the layer norm: the renormalised beginning of the centred vector.
      expectClose(await v15.embed(texts[0]!, { dimensionality: 64 }), unitOf(centred.subarray(0, 64)));
      expectClose(await v1.embed(texts[0]!), plain);
    } finally {
      await Promise.all([llama, v15, v1].map((model) => model.dispose()));
    }
  });
});

describe('findEmbeddingSpec', () => {
  it('recognises models by name, then by file name, preferring the longest name', () => {
    expect(findEmbeddingSpec('nomic-embed-text-v1.5', '/m/x.gguf')?.matryoshka).toBe(true);
    expect(findEmbeddingSpec(undefined, '/m/nomic-embed-text-v1.5.Q8_0.gguf')?.family).toBe('nomic-embed-text-v1.5');
    expect(findEmbeddingSpec(undefined, '/m/nomic-embed-text-v1.f16.gguf')?.family).toBe('nomic-embed-text-v1');
    expect(findEmbeddingSpec('all-MiniLM-L6-v2', '/m/all-MiniLM-L6-v2.gguf2.f16.gguf')?.tasks).toEqual([]);
    expect(findEmbeddingSpec('my-model', '/m/my-model.gguf')).toBeUndefined();
  });
});
