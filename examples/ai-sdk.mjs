#!/usr/bin/env node
// The Vercel AI SDK on a local model, in this process: streamText, generateObject with a zod
// schema (enforced by a grammar), a two-step tool loop, and embeddings.
//
//   node examples/ai-sdk.mjs [--model NAME|PATH] [--embedding-model NAME|PATH] [--threads N]
import { createGpt4All } from '@gpt4all/ai-sdk-provider';
import { cosineSimilarity, embedMany, generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({ options: { model: { type: 'string' }, 'embedding-model': { type: 'string' }, threads: { type: 'string' } } });
globalThis.AI_SDK_LOG_WARNINGS = false;

const gpt4all = createGpt4All({ threads: threadsOption(values.threads) });
const model = gpt4all(await modelOrGenerated(values.model, 'chat'));

// Streaming text.
const stream = streamText({ model, prompt: 'Write a haiku about the sea.', maxOutputTokens: 32, temperature: 0 });
process.stdout.write('text: ');
for await (const delta of stream.textStream) process.stdout.write(delta);
console.log(`\nusage: ${(await stream.usage).outputTokens} tokens at ${(await stream.providerMetadata).gpt4all.timings.tokensPerSecond.toFixed(0)} tokens/s`);

// An object that fits a zod schema, whatever the model would have written.
const { object } = await generateObject({
  model,
  schema: z.object({ name: z.string().max(20), age: z.number().int().min(0).max(120), city: z.enum(['Paris', 'London', 'Tokyo']) }),
  prompt: 'Invent a person.',
  temperature: 1,
  seed: 2,
  maxOutputTokens: 300,
});
console.log(`object: ${JSON.stringify(object)}`);

// A tool loop: the model calls get_weather (forced in the first step), the SDK runs it, the model answers.
const result = await generateText({
  model,
  tools: {
    get_weather: tool({
      description: 'The current weather in a city.',
      inputSchema: z.object({ city: z.enum(['Paris', 'London', 'Tokyo']) }),
      execute: async ({ city }) => ({ city, temperature: { Paris: 18, London: 14, Tokyo: 23 }[city] }),
    }),
  },
  prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'auto' }),
  stopWhen: stepCountIs(2),
  prompt: 'Is it warm in Tokyo?',
  temperature: 1,
  seed: 3,
  maxOutputTokens: 200,
});
const [call] = result.steps[0].toolCalls;
console.log(`tool call: ${call.toolName}(${JSON.stringify(call.input)}) -> ${JSON.stringify(result.steps[0].toolResults[0].output)}`);
console.log(`steps: ${result.steps.length}`);

// Embeddings.
const embedder = gpt4all.embeddingModel(await modelOrGenerated(values['embedding-model'], 'embedding'));
const { embeddings } = await embedMany({ model: embedder, values: ['The cat sat on the mat.', 'A cat was sitting on a mat.'] });
console.log(`similarity: ${cosineSimilarity(embeddings[0], embeddings[1]).toFixed(3)}`);

await gpt4all.dispose(); // frees the models it loaded
