// Embeddings through the `ai` package's embed and embedMany.
import { loadModel } from '@gpt4all/chat';
import { cosineSimilarity, embed, embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOptions, testModelPath } from '../test/models.js';
import { useProvider } from '../test/provider.js';

const gpt4all = useProvider();
let embedderPath: string;
beforeAll(async () => {
  embedderPath = await testModelPath('embedder');
});

describe('embeddings', () => {
  it('embed and embedMany give the unit vectors model.embed() gives, with token usage', async () => {
    const model = gpt4all().embeddingModel(embedderPath);
    const texts = ['The cat sat on the mat.', 'A dog barked.', 'Stocks fell today.'];
    const many = await embedMany({ model, values: texts });
    const one = await embed({ model: gpt4all().textEmbeddingModel(embedderPath), value: texts[0]! });
    await using direct = await loadModel(embedderPath, loadOptions);
    const expected = await direct.embed(texts, { prefix: '' });
    expect(many.embeddings).toHaveLength(3);
    many.embeddings.forEach((vector, i) => {
      expect(vector).toHaveLength(direct.info.embeddingLength);
      vector.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 5));
    });
    expect(cosineSimilarity(one.embedding, many.embeddings[0]!)).toBeCloseTo(1, 5);
    expect(many.usage.tokens).toBe(texts.reduce((sum, t) => sum + direct.engine.tokenize(t).length, 0));
  });

  it('splits long lists into batches and cuts vectors to `dimensions` (unit length)', async () => {
    const model = gpt4all().embeddingModel(embedderPath, { dimensions: 16 });
    const values = Array.from({ length: 300 }, (_, i) => `text number ${i}`);
    const { embeddings } = await embedMany({ model, values });
    expect(embeddings).toHaveLength(300);
    for (const vector of embeddings) {
      expect(vector).toHaveLength(16);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it('stops through abortSignal, with the signal’s reason', async () => {
    await expect(embedMany({ model: gpt4all().embeddingModel(embedderPath), values: ['a', 'b'], abortSignal: AbortSignal.abort(), maxRetries: 0 })).rejects.toMatchObject({ name: 'AbortError' });
    // Mid-embedding: the model is loaded first, so the timeout lands while texts are embedded.
    const model = gpt4all().embeddingModel(embedderPath);
    await embedMany({ model, values: ['warm-up'] });
    const values = Array.from({ length: 4000 }, (_, i) => `a long list of texts, number ${i}`);
    await expect(embedMany({ model, values, abortSignal: AbortSignal.timeout(100), maxRetries: 0 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
