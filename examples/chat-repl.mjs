#!/usr/bin/env node
// A chat in the terminal: each line you type is sent, and the reply streams back.
// Commands: /reset clears the conversation (keeping the system message), /exit quits.
//
//   node examples/chat-repl.mjs [--model NAME|PATH] [--system TEXT] [--max-tokens N] [--seed N] [--threads N]
//
// Lines can also be piped in: `printf 'Hi\nBye\n' | node examples/chat-repl.mjs`.
import { loadModel } from '@gpt4all/chat';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { modelOrGenerated, threadsOption } from './example-models.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    system: { type: 'string', default: 'You are a helpful assistant.' },
    'max-tokens': { type: 'string', default: '200' },
    seed: { type: 'string' },
    threads: { type: 'string' },
  },
});

let downloading = false;
const model = await loadModel(await modelOrGenerated(values.model, 'chat'), {
  threads: threadsOption(values.threads),
  onDownloadProgress: (p) => {
    downloading = true;
    process.stderr.write(`\r${p.phase} ${(p.bytes / 2 ** 20).toFixed(0)} MiB`);
  },
});
if (downloading) process.stderr.write('\n');
const chat = model.createChatSession({
  systemMessage: values.system,
  maxTokens: Number(values['max-tokens']),
  seed: values.seed === undefined ? undefined : Number(values.seed),
});
console.log(`Chatting with ${model.displayName} (template: ${chat.templateSource}). /reset to start over, /exit to quit.\n`);

const lines = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
const ask = () => process.stdin.isTTY && process.stdout.write('you> ');
ask();
for await (const line of lines) {
  const text = line.trim();
  if (text === '/exit') break;
  if (text === '/reset') {
    chat.reset();
    console.log('(conversation cleared)');
  } else if (text !== '') {
    if (!process.stdin.isTTY) console.log(`you> ${text}`);
    process.stdout.write('assistant> ');
    const stream = chat.stream(text);
    for await (const chunk of stream) process.stdout.write(chunk);
    const { usage, finishReason } = await stream.result;
    console.log(`\n[${usage.promptTokens} prompt tokens, ${usage.cachedTokens} from cache, ${usage.completionTokens} generated, ${finishReason}]`);
  }
  ask();
}
lines.close();
await model.dispose();
