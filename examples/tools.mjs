#!/usr/bin/env node
// Tool calling: the model calls a function, the session runs it (`execute`) and gives the result
// back to the model, which then answers. Calls are parsed from the model's own format (Hermes,
// Llama 3, Mistral, ...) and checked against the tool's JSON Schema.
//
//   node examples/tools.mjs [--model NAME|PATH] [--seed N] [--threads N]
import { loadModel } from '@gpt4all/chat';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({ options: { model: { type: 'string' }, seed: { type: 'string', default: '1' }, threads: { type: 'string' } } });

const getWeather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: { type: 'object', properties: { city: { enum: ['Paris', 'London', 'Tokyo'] } }, required: ['city'], additionalProperties: false },
  },
  execute: ({ city }) => ({ city, temperature: { Paris: 18, London: 14, Tokyo: 23 }[city], unit: 'celsius' }),
};

const model = await loadModel(await modelOrGenerated(values.model, 'chat'), { threads: threadsOption(values.threads) });
const chat = model.createChatSession({ tools: [getWeather], seed: Number(values.seed), maxTokens: 64 });
console.log(`tool-call format of this model's template: ${chat.toolCallFormat.id}\n`);

// 'required' makes even a weak model call a tool; the session runs it and asks the model again.
const stream = chat.stream('What is the weather in Tokyo?', { toolChoice: 'required' });
for await (const part of stream.parts) {
  if (part.type === 'tool-call') console.log(`call:   ${part.toolCall.name}(${JSON.stringify(part.toolCall.arguments)})`);
  if (part.type === 'tool-result') console.log(`result: ${part.content}`);
  if (part.type === 'reasoning') process.stdout.write(`[thinking] ${part.text}`);
  if (part.type === 'text') process.stdout.write(part.text);
}
const reply = await stream.result;
console.log(`\n\nfinished: ${reply.finishReason}; history: ${chat.messages.map((m) => m.role).join(', ')}`);
await model.dispose();
