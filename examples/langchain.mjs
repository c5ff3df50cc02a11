#!/usr/bin/env node
// LangChain.js on a local model, in this process: a prompt template piped into ChatGpt4All,
// streaming, structured output from a zod schema, a bound tool, and embeddings.
//
//   node examples/langchain.mjs [--model NAME|PATH] [--embedding-model NAME|PATH] [--threads N]
import { ChatGpt4All, Gpt4AllEmbeddings } from '@gpt4all/langchain';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({ options: { model: { type: 'string' }, 'embedding-model': { type: 'string' }, threads: { type: 'string' } } });
const loadOptions = { threads: threadsOption(values.threads) };

const chat = new ChatGpt4All({ model: await modelOrGenerated(values.model, 'chat'), loadOptions, maxTokens: 32, temperature: 0 });

// A chain: prompt template -> model, streamed.
const prompt = ChatPromptTemplate.fromMessages([['system', 'You are a poet.'], ['human', 'Write a haiku about {topic}.']]);
process.stdout.write('text: ');
for await (const chunk of await prompt.pipe(chat).stream({ topic: 'the sea' })) process.stdout.write(String(chunk.content));
console.log();

// Structured output: the reply is JSON that the schema's grammar allows, parsed and validated.
const person = z.object({ name: z.string().max(20), age: z.number().int().min(0).max(120), city: z.enum(['Paris', 'London', 'Tokyo']) });
const creative = new ChatGpt4All({ model: await modelOrGenerated(values.model, 'chat'), loadOptions, maxTokens: 300, temperature: 1, seed: 2 });
console.log(`object: ${JSON.stringify(await creative.withStructuredOutput(person).invoke('Invent a person.'))}`);

// A bound tool, called because the choice requires it, then run.
const getWeather = tool(async ({ city }) => JSON.stringify({ city, temperature: { Paris: 18, London: 14, Tokyo: 23 }[city] }), {
  name: 'get_weather',
  description: 'The current weather in a city.',
  schema: z.object({ city: z.enum(['Paris', 'London', 'Tokyo']) }),
});
const reply = await creative.bindTools([getWeather], { tool_choice: 'get_weather' }).invoke('Is it warm in Tokyo?');
const [call] = reply.tool_calls;
console.log(`tool call: ${call.name}(${JSON.stringify(call.args)}) -> ${(await getWeather.invoke(call)).content}`);
await creative.dispose();

// Embeddings (Nomic models get their search_document / search_query prefixes).
const embeddings = new Gpt4AllEmbeddings({ model: await modelOrGenerated(values['embedding-model'], 'embedding'), loadOptions });
const [a, b] = await embeddings.embedDocuments(['The cat sat on the mat.', 'A cat was sitting on a mat.']);
console.log(`similarity: ${a.reduce((sum, x, i) => sum + x * b[i], 0).toFixed(3)}`);
await Promise.all([chat.dispose(), embeddings.dispose()]); // frees the models they loaded
