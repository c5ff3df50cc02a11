// Several contexts computing on one RPC worker at once, from one process: two models sharing the
// worker, and one model with three contexts. ggml-rpc decides on the host whether the worker may
// recompute the graph it holds, per worker device, so unordered computations could get each
// other's graph recomputed (wrong tokens, no error); and the worker drops its stored graphs when
// any buffer is freed, so a context disposed while another generates broke the connection. Each
// must generate what the model generates on this machine alone.
import { ensureTestModel } from '@gpt4all/test-models';
import { loadModel, type Model } from '@gpt4all/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startWorker, type WorkerProcess } from './support/rpc-workers.js';

const size = { embeddingLength: 64, blockCount: 6, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 2048 };
const prompts = ['The quick brown fox', 'Once upon a time', 'Ünïcödé: 日本語と🦙'];
const options = { maxTokens: 24, temperature: 0, repeatPenalty: 1 };
const rounds = 3;

let path: string;
let worker: WorkerProcess;
const expected = new Map<string, number[]>();

async function generateEach(model: Model, contextsPerModel: number): Promise<{ prompt: string; tokens: number[] }[]> {
  const contexts = await Promise.all(Array.from({ length: contextsPerModel }, () => model.createContext({ contextSize: 256, threads: 1 })));
  try {
    return await Promise.all(contexts.map(async (context, i) => ({ prompt: prompts[i % prompts.length]!, tokens: (await context.generate(prompts[i % prompts.length]!, options)).tokens })));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

beforeAll(async () => {
  path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', size, seed: 41 });
  const local = await loadModel(path);
  for (const prompt of prompts) {
    const context = await local.createContext({ contextSize: 256, threads: 1 });
    expected.set(prompt, (await context.generate(prompt, options)).tokens);
    await context.dispose();
  }
  await local.dispose();
  worker = await startWorker({ port: await freePort() });
});

afterAll(async () => {
  await worker?.kill();
});

describe('contexts computing on one RPC worker at once', () => {
  it('two models sharing the worker each generate what one machine generates', async () => {
    const models = [await loadModel(path, { rpcWorkers: [worker.endpoint] }), await loadModel(path, { rpcWorkers: [worker.endpoint] })];
    try {
      for (let round = 0; round < rounds; round++) {
        const results = (await Promise.all(models.map((m) => generateEach(m, 1)))).flat();
        for (const { prompt, tokens } of results) expect(tokens).toEqual(expected.get(prompt));
      }
    } finally {
      await Promise.all(models.map((m) => m.dispose()));
    }
  });

  it('three contexts of one model each generate what one machine generates', async () => {
    const model = await loadModel(path, { rpcWorkers: [worker.endpoint] });
    try {
      for (let round = 0; round < rounds; round++) {
        for (const { prompt, tokens } of await generateEach(model, 3)) expect(tokens).toEqual(expected.get(prompt));
      }
    } finally {
      await model.dispose();
    }
    // A test of ordering on a model that repeats one token would prove little.
    expect(new Set(expected.get(prompts[0]!)).size).toBeGreaterThan(6);
  });
});
