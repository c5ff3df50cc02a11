#!/usr/bin/env node
// Stops a reply half-way with an AbortSignal, then carries on with the same session.
//
//   node examples/abort.mjs [--model NAME|PATH] [--after-tokens N] [--seed N] [--threads N]
//
// The partial reply stays in the history (abortedReply: 'keep', the default); with
// abortedReply: 'discard' the whole turn would be dropped instead.
import { loadModel } from '@gpt4all/chat';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'after-tokens': { type: 'string', default: '8' },
    seed: { type: 'string' },
    threads: { type: 'string' },
  },
});

const model = await loadModel(await modelOrGenerated(values.model, 'chat'), { threads: threadsOption(values.threads) });
const chat = model.createChatSession({ maxTokens: 128, seed: values.seed === undefined ? undefined : Number(values.seed) });

// Abort after a few tokens; a real program would abort on a button press or a timeout
// (AbortSignal.timeout(ms) works too). Tokens reach this callback while generation goes on, so the
// reply stops a token or two after the abort.
const controller = new AbortController();
let tokens = 0;
const stopAfter = Number(values['after-tokens']);
console.log('> Tell me a very long story.');
const aborted = await chat.send('Tell me a very long story.', {
  signal: controller.signal,
  onToken: (text) => {
    process.stdout.write(text);
    if (++tokens === stopAfter) controller.abort();
  },
});
console.log(`\n[finishReason: ${aborted.finishReason} after ${aborted.usage.completionTokens} tokens (aborted at ${stopAfter})]\n`);

// The session is still usable: the next message continues the same conversation.
console.log('> Please continue, briefly.');
const next = await chat.send('Please continue, briefly.', { maxTokens: 32, onToken: (text) => process.stdout.write(text) });
console.log(`\n[finishReason: ${next.finishReason}; ${next.usage.cachedTokens} of ${next.usage.promptTokens} prompt tokens from cache]`);
console.log(`history: ${chat.messages.map((m) => m.role).join(', ')}`);
await model.dispose();
