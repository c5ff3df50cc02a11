#!/usr/bin/env node
// Streams one chat reply as it is generated, then prints what it cost.
//
//   node examples/streaming.mjs [--model NAME|PATH] [--prompt TEXT] [--max-tokens N] [--seed N] [--threads N]
import { loadModel } from '@gpt4all/chat';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    prompt: { type: 'string', default: 'Write a haiku about the sea.' },
    'max-tokens': { type: 'string', default: '64' },
    seed: { type: 'string' },
    threads: { type: 'string' },
  },
});

const model = await loadModel(await modelOrGenerated(values.model, 'chat'), { threads: threadsOption(values.threads) });
const chat = model.createChatSession({ maxTokens: Number(values['max-tokens']), seed: values.seed === undefined ? undefined : Number(values.seed) });

console.log(`> ${values.prompt}\n`);
const stream = chat.stream(values.prompt);
let chunks = 0;
for await (const text of stream) {
  process.stdout.write(text);
  chunks++;
}
const { usage, timings, finishReason } = await stream.result;
console.log(`\n\nfinished: ${finishReason}; ${chunks} chunks, ${usage.completionTokens} tokens at ${timings.tokensPerSecond.toFixed(1)} tokens/s`);
console.log(`prompt: ${usage.promptTokens} tokens (${usage.cachedTokens} from cache) at ${timings.promptTokensPerSecond.toFixed(1)} tokens/s`);
await model.dispose();
