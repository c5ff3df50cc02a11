#!/usr/bin/env node
// Semantic search over a few documents: embed them and a query, rank by cosine similarity.
//
//   node examples/embeddings.mjs [--model NAME|PATH] [--query TEXT] [--dimensionality N] [--threads N]
//
// Task prefixes default to Nomic's (`search_document`, `search_query`), as for
// `--model nomic-embed-text-v1.5.f16.gguf`; for a model trained without them (all-MiniLM), pass
// `--document-prefix '' --query-prefix ''`.
import { loadModel } from '@gpt4all/chat';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    query: { type: 'string', default: 'Where do cats like to sleep?' },
    dimensionality: { type: 'string' },
    'document-prefix': { type: 'string', default: 'search_document' },
    'query-prefix': { type: 'string', default: 'search_query' },
    threads: { type: 'string' },
  },
});

const documents = [
  'Cats often nap in warm, sunny spots such as windowsills.',
  'The stock market closed higher after a volatile week.',
  'A good sourdough needs a lively starter and a long, slow rise.',
  'Kittens sleep up to twenty hours a day, curled up somewhere soft.',
  'The new telescope can photograph galaxies billions of light years away.',
];

const model = await loadModel(await modelOrGenerated(values.model, 'embedding'), { threads: threadsOption(values.threads) });
const dimensionality = values.dimensionality === undefined ? undefined : Number(values.dimensionality);

// Many texts go in one call: they are batched together.
const vectors = await model.embed(documents, { prefix: values['document-prefix'], dimensionality });
const query = await model.embed(values.query, { prefix: values['query-prefix'], dimensionality });

// The vectors have unit length, so the dot product is the cosine similarity.
const cosine = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const ranked = documents.map((text, i) => ({ text, score: cosine(query, vectors[i]) })).sort((a, b) => b.score - a.score);

console.log(`${documents.length} documents embedded into ${query.length} dimensions with ${model.displayName}.`);
console.log(`Query: ${values.query}\n`);
for (const { text, score } of ranked) console.log(`${score.toFixed(4)}  ${text}`);
await model.dispose();
