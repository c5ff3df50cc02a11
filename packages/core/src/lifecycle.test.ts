import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { Gpt4AllError, loadModel, setLogHandler, type Context, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
});
afterAll(() => model.dispose());

const code = (e: unknown) => (e as { code?: string }).code;

describe('load', () => {
  it('reports load progress, rising to 1', async () => {
    const progress: number[] = [];
    await using _ = await loadModel(await testModelPath('llamaSpm'), { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });
});

describe('abort', () => {
  it('stops a reply mid-way and leaves the context usable', async () => {
    const context = await model.createContext({ contextSize: 512 });
    const controller = new AbortController();
    let chunks = 0;
    const result = await context.generate('Once upon a time', {
      maxTokens: 400,
      temperature: 0,
      signal: controller.signal,
      onToken: () => {
        if (++chunks === 5) controller.abort();
      },
    });
    expect(result.finishReason).toBe('abort');
    expect(result.completionTokens).toBeGreaterThanOrEqual(5);
    expect(result.completionTokens).toBeLessThan(400);
    const next = await context.generate('Once upon a time', { maxTokens: 5, temperature: 0 });
    expect(next.finishReason).toBe('length');
    await context.dispose();
  });

  it('settles a generation aborted while it waits behind another at once, and skips it', async () => {
    const context = await model.createContext({ contextSize: 512, parallel: 1 });
    const running = context.generate('Once upon a time', { maxTokens: 400, temperature: 0 });
    let firstDone = false;
    void running.then(() => (firstDone = true));
    const waiting = new AbortController();
    const queued = context.stream('Hello', { maxTokens: 50, signal: waiting.signal });
    setTimeout(() => waiting.abort(), 20);
    const chunks: string[] = [];
    for await (const chunk of queued) chunks.push(chunk.text);
    const result = await queued.result;
    // Settled before the 400-token generation ahead of it ended.
    expect(firstDone).toBe(false);
    expect(result).toMatchObject({ finishReason: 'abort', completionTokens: 0, text: '' });
    expect(result.promptTokens).toBe(model.tokenize('Hello', { addSpecial: true, special: true }).length);
    expect(chunks).toEqual([]);
    expect((await running).completionTokens).toBeGreaterThan(20);
    // The context goes on.
    expect((await context.generate('Hello', { maxTokens: 3, temperature: 0 })).completionTokens).toBe(3);
    await context.dispose();
  });

  it('returns at once for an already aborted signal', async () => {
    const context = await model.createContext({ contextSize: 512 });
    const result = await context.generate('Hello', { maxTokens: 50, signal: AbortSignal.abort() });
    expect(result.finishReason).toBe('abort');
    expect(result.completionTokens).toBe(0);
    await context.dispose();
  });

  it('stops prompt evaluation within one batch', async () => {
    const context = await model.createContext({ contextSize: 4096, batchSize: 8 });
    const prompt = Array.from({ length: 4000 }, (_, i) => 300 + ((i * 7) % 1000));
    const controller = new AbortController();
    // An event, not a timer, says evaluation is under way: llama.cpp logs (at debug level) as each
    // batch's decode starts and ends. The second one's end has its 8 tokens in the cache.
    let decodeLines = 0;
    setLogHandler((_level, line) => {
      if (line.includes('set_abort_callback') && ++decodeLines === 4) controller.abort();
    }, 'debug');
    const result = await context.generate(prompt, { maxTokens: 10, signal: controller.signal }).finally(() => setLogHandler(null));
    expect(result.finishReason).toBe('abort');
    expect(result.completionTokens).toBe(0);
    const cached = context.cachedTokens();
    // Evaluation stopped part-way, on a batch boundary, and the cache holds exactly what it says.
    expect(cached.length).toBeGreaterThanOrEqual(16);
    expect(cached.length).toBeLessThan(prompt.length);
    expect(cached.length % 8).toBe(0);
    expect(cached).toEqual(prompt.slice(0, cached.length));
    await context.dispose();
  });

  it('leaving a stream loop early stops generation', async () => {
    const context = await model.createContext({ contextSize: 512 });
    const stream = context.stream('Once upon a time', { maxTokens: 300, temperature: 0 });
    let n = 0;
    for await (const _chunk of stream) if (++n === 3) break;
    const result = await stream.result;
    expect(result.finishReason).toBe('abort');
    expect(result.completionTokens).toBeLessThan(300);
    await context.dispose();
  });

  it('cancels a model load', async () => {
    const error = await loadModel(await testModelPath('llamaSpm'), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(code(error)).toBe('ERR_ABORTED');
  });

  it('an onToken callback that throws stops generation and rejects with its error', async () => {
    const context = await model.createContext({ contextSize: 512 });
    const error = await context
      .generate('Hello', { maxTokens: 100, onToken: () => { throw new Error('boom'); } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect((await context.generate('Hello', { maxTokens: 2 })).completionTokens).toBe(2);
    await context.dispose();
  });
});

describe('dispose', () => {
  it('is harmless twice, and use afterwards is ERR_DISPOSED', async () => {
    const own = await loadModel(await testModelPath('llamaSpm'));
    const context = await own.createContext({ contextSize: 256 });
    await context.dispose();
    await context.dispose();
    expect(code(await context.generate('x').catch((e: unknown) => e))).toBe('ERR_DISPOSED');
    expect(() => context.cachedTokens()).toThrow(Gpt4AllError);
    await own.dispose();
    await own.dispose();
    expect(() => own.tokenize('x')).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    expect(code(await own.createContext().catch((e: unknown) => e))).toBe('ERR_DISPOSED');
  });

  it('disposing a model aborts and frees its busy contexts', async () => {
    const own = await loadModel(await testModelPath('llamaSpm'));
    const context = await own.createContext({ contextSize: 512 });
    let disposing: Promise<void> | undefined;
    // Disposed once the first token shows that generation is running; unstopped, it would go on
    // until the context is full (finishReason 'length').
    const result = await context.generate('Once upon a time', {
      maxTokens: 5000,
      temperature: 0,
      onToken: () => {
        disposing ??= own.dispose();
      },
    });
    await disposing;
    expect(result.finishReason).toBe('abort');
    expect(context.disposed).toBe(true);
    expect(own.disposed).toBe(true);
  });

  it('supports Symbol.asyncDispose', async () => {
    const own = await loadModel(await testModelPath('llamaSpm'));
    let context: Context;
    {
      await using scoped = await own.createContext({ contextSize: 256 });
      context = scoped;
      expect(context.disposed).toBe(false);
    }
    expect(context.disposed).toBe(true);
    await own[Symbol.asyncDispose]();
    expect(own.disposed).toBe(true);
  });
});
