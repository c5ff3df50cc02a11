#!/usr/bin/env node
// Structured output: the reply is JSON that validates against a JSON Schema, guaranteed by a
// grammar (llama.cpp's, converted from the schema), whatever the model would have written.
//
//   node examples/structured-output.mjs [--model NAME|PATH] [--seed N] [--threads N]
import { loadModel, jsonSchemaToGrammar } from '@gpt4all/chat';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({ options: { model: { type: 'string' }, seed: { type: 'string', default: '1' }, threads: { type: 'string' } } });

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    city: { enum: ['Paris', 'London', 'Tokyo'] },
    languages: { type: 'array', items: { type: 'string', maxLength: 12 }, minItems: 1, maxItems: 3 },
    born: { type: 'string', format: 'date' },
  },
  required: ['name', 'age', 'city', 'languages', 'born'],
  additionalProperties: false,
};

console.log(`The schema becomes ${jsonSchemaToGrammar(person).split('\n').length - 1} GBNF rules.\n`);
const model = await loadModel(await modelOrGenerated(values.model, 'chat'), { threads: threadsOption(values.threads) });
const chat = model.createChatSession({ temperature: 1, seed: Number(values.seed), maxTokens: 400 });

const reply = await chat.send('Describe a fictional person as JSON.', { responseFormat: { type: 'json_schema', schema: person } });
const value = JSON.parse(reply.text);
console.log(JSON.stringify(value, null, 2));
console.log(`\nvalid JSON with keys: ${Object.keys(value).join(', ')} (${reply.usage.completionTokens} tokens, ${reply.finishReason})`);
await model.dispose();
