#!/usr/bin/env node
// The main demo: streams a completion and prints tokens per second.
//
//   pnpm start [--model PATH] [--prompt TEXT] [--max-tokens N]
//
// Without --model it uses a model generated on the spot with RANDOM WEIGHTS (llama
// architecture, the real LLaMA tokenizer): the text is gibberish, but every step is real.
import { backendInfo, loadModel } from '@gpt4all/core';
import { ensureTestModel } from '@gpt4all/test-models';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    prompt: { type: 'string', default: 'Once upon a time, in a small village by the sea,' },
    'max-tokens': { type: 'string', default: '96' },
  },
});

let path = values.model;
if (!path) {
  path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 1 });
  console.log('No --model given: using a generated test model with RANDOM WEIGHTS (expect gibberish).');
  console.log('Run `pnpm start --model /path/to/model.gguf` for a real one.\n');
}

const backend = backendInfo();
console.log(`backend: ${backend.variant} (${backend.reason}), CPU level ${backend.cpu?.level}`);
const model = await loadModel(path);
console.log(`model:   ${model.info.name ?? path} — ${model.info.architecture}, ${(model.info.parameters / 1e6).toFixed(1)}M parameters, ${model.info.quantization}\n`);

const context = await model.createContext({ contextSize: 1024 });
process.stdout.write(values.prompt);
const stream = context.stream(values.prompt, { maxTokens: Number(values['max-tokens']), temperature: 0.8, seed: 42 });
for await (const chunk of stream) process.stdout.write(chunk.text);
const result = await stream.result;

const { timings } = result;
console.log(`\n\n${result.completionTokens} tokens in ${(timings.generateMs / 1000).toFixed(2)} s: ${timings.tokensPerSecond.toFixed(1)} tokens/s (prompt: ${timings.promptTokensPerSecond.toFixed(1)} tokens/s), finished by ${result.finishReason}`);
await model.dispose();
