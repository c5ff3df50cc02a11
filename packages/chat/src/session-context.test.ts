// What a session's context is made of (size, prompt batch, CPU threads), resolved from the call,
// the catalog entry and the model, and checked where the engine shows it: llama.cpp's own log of
// the context it creates, and the threads that appear in the process.
import { setLogHandler } from '@gpt4all/core';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { DEFAULTS, loadModel, type ChatSession, type LoadModelOptions } from './index.js';

let path: string;
beforeAll(async () => {
  path = await testModelPath('chat');
});

const load = (options: LoadModelOptions & { contextLength?: number; promptBatchSize?: number } = {}) => {
  const { contextLength, promptBatchSize, ...rest } = options;
  const catalogued = contextLength !== undefined || promptBatchSize !== undefined;
  return loadModel(path, { threads: 1, ...rest, catalog: catalogued ? [{ name: 'Catalogued', filename: basename(path), contextLength, promptBatchSize }] : false });
};

const threadIds = () => new Set(process.platform === 'linux' ? readdirSync('/proc/self/task') : []);

/**
 * Sends one short message (which creates the session's context) and returns what llama.cpp logged
 * about that context, and how many threads appeared meanwhile (Linux).
 */
async function firstReply(session: ChatSession): Promise<{ nCtx: number; nBatch: number; threads: number }> {
  const lines: string[] = [];
  const before = threadIds();
  setLogHandler((_level, line) => lines.push(line), 'info');
  try {
    await session.send('Hi', { maxTokens: 1 });
  } finally {
    setLogHandler(null);
  }
  const logged = (name: string) => Number(lines.join('\n').match(new RegExp(`\\b${name}\\s*=\\s*(\\d+)`))?.[1]);
  // n_ctx_seq: the tokens one sequence holds (the model's shared context has several).
  return { nCtx: logged('n_ctx_seq'), nBatch: logged('n_batch'), threads: [...threadIds()].filter((id) => !before.has(id)).length };
}

describe('a session context', () => {
  it("has the size asked for, else the catalog's contextLength, else GPT4All's 2048, never above the training length", async () => {
    await using plain = await load();
    const trained = plain.info.contextLength;
    expect(trained).toBeGreaterThan(1024);
    expect(plain.createChatSession().contextSize).toBe(Math.min(DEFAULTS.contextSize, trained));
    expect(plain.createChatSession({ contextSize: trained * 4 }).contextSize).toBe(trained);
    const asked = plain.createChatSession({ contextSize: 512 });
    expect(asked.contextSize).toBe(512);
    expect((await firstReply(asked)).nCtx).toBe(512);

    await using catalogued = await load({ contextLength: 1024 });
    const fromCatalog = catalogued.createChatSession();
    expect(fromCatalog.contextSize).toBe(1024);
    expect((await firstReply(fromCatalog)).nCtx).toBe(1024);
    expect(catalogued.createChatSession({ contextSize: 512 }).contextSize).toBe(512);
    await using overlong = await load({ contextLength: trained * 4 });
    expect(overlong.createChatSession().contextSize).toBe(trained);
  });

  it("evaluates prompts in the batch asked for, else the catalog's promptBatchSize, else the engine's 512", async () => {
    await using plain = await load();
    expect((await firstReply(plain.createChatSession({ contextSize: 256 }))).nBatch).toBe(256);
    expect((await firstReply(plain.createChatSession({ contextSize: 1024 }))).nBatch).toBe(512);
    await using catalogued = await load({ promptBatchSize: 64 });
    expect((await firstReply(catalogued.createChatSession({ contextSize: 1024 }))).nBatch).toBe(64);
    expect((await firstReply(catalogued.createChatSession({ contextSize: 1024, batchSize: 32 }))).nBatch).toBe(32);
  });

  it.runIf(process.platform === 'linux')('computes with the threads given to the session, else to loadModel', async () => {
    // Counts that differ from the engine's own choice, so that falling back to it shows.
    await using probe = await loadModel(path, { catalog: false });
    const engineChoice = (await firstReply(probe.createChatSession({ contextSize: 256 }))).threads;
    const [a, b] = engineChoice === 1 ? [2, 3] : engineChoice === 2 ? [1, 3] : [1, 2];
    await using model = await load({ threads: a });
    expect((await firstReply(model.createChatSession({ contextSize: 256 }))).threads).toBe(a);
    expect((await firstReply(model.createChatSession({ contextSize: 256, threads: b }))).threads).toBe(b);
  });
});
