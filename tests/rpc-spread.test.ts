// A model spread over two machines: two network namespaces joined by a veth pair stand for them.
// Two `gpt4all rpc-worker` processes run in one namespace; a host process in the other loads a
// generated model with its layers split across its own CPU and both workers (llama.cpp's RPC
// backend over real TCP between the namespaces). Greedy output must be token for token what the
// same model generates on one machine.
import { ensureTestModel } from '@gpt4all/test-models';
import { loadModel } from '@gpt4all/core';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCreateNetns, createNamespacePair, startWorker, type NamespacePair, type WorkerProcess } from './support/rpc-workers.js';

const run = promisify(execFile);
const hostChild = join(import.meta.dirname, 'support/rpc-host-child.mjs');
// Six blocks, so that each of the three places holds some.
const dims = { embeddingLength: 64, blockCount: 6, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 2048 };
const prompts = ['The quick brown fox', 'Ünïcödé: 日本語と🦙'];
const maxTokens = 48;

describe.skipIf(!canCreateNetns())('a model spread over RPC workers in another network namespace', () => {
  let namespaces: NamespacePair;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    namespaces = createNamespacePair();
    for (const port of [50052, 50053]) {
      workers.push(await startWorker({ netns: namespaces.workers, host: namespaces.workerAddress, port, args: ['--allow-remote'] }));
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    namespaces?.remove();
  });

  it.each(prompts)('generates what one machine generates: %j', async (prompt) => {
    const path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', size: dims, seed: 31 });
    const model = await loadModel(path);
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    const local = await context.generate(prompt, { maxTokens, temperature: 0, repeatPenalty: 1 });
    await model.dispose();

    const { stdout } = await run('ip', ['netns', 'exec', namespaces.host, process.execPath, hostChild, path, workers.map((w) => w.endpoint).join(','), prompt, String(maxTokens)], { timeout: 120_000 });
    const spread = JSON.parse(stdout.trim().split('\n').at(-1)!) as { tokens: number[]; text: string; rpc: { local: { first: number; count: number }; workers: { endpoint: string; layers: { first: number; count: number } }[] } };
    // Every place holds layers: this machine the first, then each worker in turn.
    expect(spread.rpc.local).toEqual({ first: 0, count: 2 });
    expect(spread.rpc.workers.map((w) => w.endpoint)).toEqual(workers.map((w) => w.endpoint));
    expect(spread.rpc.workers.map((w) => w.layers)).toEqual([{ first: 2, count: 2 }, { first: 4, count: 2 }]);
    expect(spread.tokens).toEqual(local.tokens);
    expect(spread.text).toBe(local.text);
    // A parity test on a model that repeats one token would prove little.
    expect(new Set(local.tokens).size).toBeGreaterThan(8);
    // The workers served the host across the namespaces (ggml's server logs each connection).
    for (const worker of workers) expect(worker.output()).toMatch(/Accepted client connection/);
  });
});
