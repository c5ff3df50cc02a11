// Loads a model spread over RPC workers and generates greedily; prints one JSON line:
// { tokens, text, rpc } (rpc: where the layers are), or { error: { code, message } }.
// Usage: node rpc-host-child.mjs <model.gguf> <host:port,...> <prompt> <maxTokens>
import { loadModel } from '@gpt4all/core';

const [path, workers, prompt, maxTokens] = process.argv.slice(2);
try {
  const model = await loadModel(path, { rpcWorkers: workers.split(',') });
  const context = await model.createContext({ contextSize: 512, threads: 1 });
  const result = await context.generate(prompt, { maxTokens: Number(maxTokens), temperature: 0, repeatPenalty: 1 });
  process.stdout.write(`${JSON.stringify({ tokens: result.tokens, text: result.text, rpc: model.info.rpc })}\n`);
  await model.dispose();
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
  process.exitCode = 1;
}
