// RPC workers that fail: each fault ends in a typed error (`RpcError`, `ERR_RPC_UNAVAILABLE`)
// within 30 s, and this process keeps serving its other models. llama.cpp's RPC client ends the
// process on any network failure; these tests run in the test process itself to prove it does not.
import { ensureTestModel } from '@gpt4all/test-models';
import { DEFAULTS, loadModel, probeRpcWorker, RpcError, type Model } from '@gpt4all/core';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startWorker } from './support/rpc-workers.js';

const BOUND_MS = 30_000;
const endless = { architecture: 'llama', vocab: 'llama-bpe', size: { embeddingLength: 64, blockCount: 4, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 4096 }, seed: 5, script: { emit: [' a'], then: ' a' } } as const;

let localModel: Model;
let path: string;

/** A model of this process that uses no worker: it must go on generating whatever the workers do. */
async function localModelStillServes(): Promise<void> {
  const context = await localModel.createContext({ contextSize: 256, threads: 1 });
  const result = await context.generate('still here', { maxTokens: 8, temperature: 0 });
  expect(result.tokens.length).toBe(8);
  await context.dispose();
}

/** Runs `work`, which must fail with an RpcError naming `endpoint`, within the bound. */
async function expectRpcError(work: Promise<unknown>, endpoint: string, reason: RegExp): Promise<RpcError> {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(Date.now() - started).toBeLessThan(BOUND_MS);
  expect(error).toBeInstanceOf(RpcError);
  const rpcError = error as RpcError;
  expect(rpcError.code).toBe('ERR_RPC_UNAVAILABLE');
  expect(rpcError.endpoint).toBe(endpoint);
  expect(rpcError.message).toMatch(reason);
  return rpcError;
}

/** A TCP server on loopback that does what `onConnection` says with each connection. */
async function fakeWorker(onConnection: (socket: Socket) => void): Promise<{ server: Server; endpoint: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, endpoint: `127.0.0.1:${port}`, sockets };
}

async function closeFake(fake: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const socket of fake.sockets) socket.destroy();
  await new Promise((resolve) => fake.server.close(resolve));
}

beforeAll(async () => {
  path = await ensureTestModel(endless);
  localModel = await loadModel(path);
});

afterAll(async () => {
  await localModel?.dispose();
});

describe('RPC worker faults', () => {
  it('a worker killed mid-generation', async () => {
    const worker = await startWorker({ port: await freePort() });
    try {
      const model = await loadModel(path, { rpcWorkers: [worker.endpoint] });
      expect(model.info.rpc?.workers[0]?.layers.count).toBeGreaterThan(0);
      const context = await model.createContext({ contextSize: 4096, threads: 1 });
      let chunks = 0;
      const generation = (async () => {
        for await (const _ of context.stream('go', { maxTokens: 4000, temperature: 0 })) {
          if (++chunks === 5) await worker.kill();
        }
      })();
      await expectRpcError(generation, worker.endpoint, /closed the connection|broke/);
      expect(chunks).toBeGreaterThanOrEqual(5);
      // The model stays unusable, with the same error, and disposes cleanly.
      await expectRpcError(context.generate('again', { maxTokens: 4 }), worker.endpoint, /closed the connection|broke/);
      await model.dispose();
      await localModelStillServes();
      // Loading again with the worker gone: refused at once.
      await expectRpcError(loadModel(path, { rpcWorkers: [worker.endpoint] }), worker.endpoint, /refused/);
    } finally {
      await worker.kill();
    }
  });

  it('a worker restarted while a model still holds the broken connection serves the next model', async () => {
    const port = await freePort();
    let worker = await startWorker({ port });
    try {
      const model = await loadModel(path, { rpcWorkers: [worker.endpoint] });
      await worker.kill();
      // Started by this process while ggml-rpc's connection is open: the child must not inherit it
      // (an inherited copy kept the connection open after the model was disposed).
      worker = await startWorker({ port });
      await expectRpcError(model.createContext({ contextSize: 256, threads: 1 }), worker.endpoint, /closed the connection|broke/);
      await model.dispose();
      const again = await loadModel(path, { rpcWorkers: [worker.endpoint] });
      const context = await again.createContext({ contextSize: 256, threads: 1 });
      expect((await context.generate('back again', { maxTokens: 8, temperature: 0 })).tokens.length).toBe(8);
      await again.dispose();
    } finally {
      await worker.kill();
    }
  });

  it('a worker that stops answering mid-generation', async () => {
    const worker = await startWorker({ port: await freePort() });
    try {
      const model = await loadModel(path, { rpcWorkers: [worker.endpoint], rpcTimeoutMs: 3000 });
      const context = await model.createContext({ contextSize: 4096, threads: 1 });
      let chunks = 0;
      const generation = (async () => {
        for await (const _ of context.stream('go', { maxTokens: 4000, temperature: 0 })) {
          if (++chunks === 5) worker.process.kill('SIGSTOP');
        }
      })();
      await expectRpcError(generation, worker.endpoint, /did not answer within 3000 ms/);
      await model.dispose();
      await localModelStillServes();
    } finally {
      worker.process.kill('SIGCONT');
      await worker.kill();
    }
  });

  it('a worker that stops answering before a context is created', async () => {
    const worker = await startWorker({ port: await freePort() });
    try {
      const model = await loadModel(path, { rpcWorkers: [worker.endpoint], rpcTimeoutMs: 3000 });
      worker.process.kill('SIGSTOP');
      // The KV cache is allocated on the worker: creation fails because of it, and says so.
      await expectRpcError(model.createContext({ contextSize: 256, threads: 1 }), worker.endpoint, /did not answer within 3000 ms/);
      expect(model.rpcError()?.endpoint).toBe(worker.endpoint);
      await model.dispose();
      await localModelStillServes();
    } finally {
      worker.process.kill('SIGCONT');
      await worker.kill();
    }
  });

  it('a worker that accepts the connection and never answers (default timeout)', async () => {
    const fake = await fakeWorker(() => {});
    try {
      const error = await expectRpcError(loadModel(path, { rpcWorkers: [fake.endpoint] }), fake.endpoint, /no answer/);
      expect(error.message).toMatch(new RegExp(`${DEFAULTS.rpcTimeoutMs} ms`));
      await localModelStillServes();
    } finally {
      await closeFake(fake);
    }
  });

  it('a wrong port', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    await expectRpcError(loadModel(path, { rpcWorkers: [endpoint] }), endpoint, /refused/);
    await expectRpcError(probeRpcWorker(endpoint), endpoint, /refused/);
    await localModelStillServes();
  });

  it.each([
    // Before protocol 4, HELLO's response was three bytes: major, minor, patch.
    ['an older one (3.0.0)', [3, 0, 0], 3, /another protocol version/],
    // A newer major version, with today's response layout (version, padding, 24 bytes of capabilities).
    ['a newer one (8.0.0)', [8, 0, 0], 28, /speaks RPC protocol 8\.0\.0/],
  ] as const)('a worker of another protocol version: %s', async (_name, version, size, reason) => {
    const fake = await fakeWorker((socket) => {
      socket.once('data', () => {
        const response = Buffer.alloc(8 + size);
        response.writeBigUInt64LE(BigInt(size), 0);
        response.set(version, 8);
        socket.write(response);
      });
    });
    try {
      await expectRpcError(loadModel(path, { rpcWorkers: [fake.endpoint] }), fake.endpoint, reason);
      await localModelStillServes();
    } finally {
      await closeFake(fake);
    }
  });

  it('refuses malformed worker lists before connecting', async () => {
    for (const bad of [['nohost'], ['host:0'], ['host:99999'], [':50052'], [' 127.0.0.1:1'], ['http://127.0.0.1:1'], ['127.0.0.1:+1'], ['::1:50052']]) {
      const error = await loadModel(path, { rpcWorkers: bad }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('ERR_INVALID_ARGUMENT');
    }
    for (const twice of [['127.0.0.1:1', '127.0.0.1:1'], ['127.0.0.1:1', 'localhost:1']]) {
      const error = await loadModel(path, { rpcWorkers: twice }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('listed twice') });
    }
    const split = await loadModel(path, { rpcWorkers: ['127.0.0.1:1'], rpcSplit: [1] }).catch((e: unknown) => e);
    expect((split as { code?: string }).code).toBe('ERR_INVALID_ARGUMENT');
    const noWorkers = await loadModel(path, { rpcSplit: [1, 1] }).catch((e: unknown) => e);
    expect(noWorkers).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('give rpcWorkers too') });
    const joined = await loadModel(path, { rpcWorkers: ['127.0.0.1:1,127.0.0.1:2'] }).catch((e: unknown) => e);
    expect(joined).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('one worker per entry') });
  });
});
