// Options a caller gets wrong are typed errors (ERR_INVALID_ARGUMENT naming the option), never a
// silent truncation by the binding, and never a crash inside llama.cpp or ggml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { Gpt4AllError, loadModel, quantize, type Context, type Model } from './index.js';

let model: Model;
let context: Context;
beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
  context = await model.createContext({ contextSize: 128, threads: 1 });
});
afterAll(() => model.dispose());

const invalid = (name: string) => ({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining(name) });

describe('bad options', () => {
  it.each([
    [{ maxTokens: 1.5 }, 'maxTokens'],
    [{ maxTokens: Number.NaN }, 'maxTokens'],
    [{ maxTokens: Infinity }, 'maxTokens'],
    [{ maxTokens: 2 ** 32 + 3 }, 'maxTokens'],
    [{ maxTokens: -2 }, 'maxTokens'],
    [{ topK: -3 }, 'topK'],
    [{ repeatLastN: -5 }, 'repeatLastN'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 2 ** 32 + 7 }, 'seed'],
    [{ temperature: Number.NaN }, 'temperature'],
  ])('generate(%j) is ERR_INVALID_ARGUMENT', async (options, name) => {
    await expect(context.generate('Hello', options)).rejects.toMatchObject(invalid(name));
  });

  it.each([
    [{ contextSize: 1.5 }, 'contextSize'],
    [{ contextSize: Number.NaN }, 'contextSize'],
    [{ threads: -1 }, 'threads'],
    [{ threads: 100_000 }, 'threads'],
    [{ batchSize: -8 }, 'batchSize'],
  ])('createContext(%j) is ERR_INVALID_ARGUMENT, not a crash', async (options, name) => {
    await expect(model.createContext(options)).rejects.toMatchObject(invalid(name));
  });

  it('values of the wrong type are Gpt4AllErrors too', async () => {
    const wrong = [
      context.generate('Hello', { maxTokens: '5' as unknown as number }),
      context.generate('Hello', { stop: 'x' as unknown as string[] }),
      loadModel(undefined as unknown as string),
    ];
    for (const outcome of await Promise.allSettled(wrong)) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(Gpt4AllError.isInstance(reason), String(reason)).toBe(true);
      expect(reason.code).toBe('ERR_INVALID_ARGUMENT');
    }
    // Named in the caller's terms, not napi's.
    await expect(context.generate('Hello', { temperature: 'hot' as unknown as number })).rejects.toMatchObject({ message: 'invalid argument: temperature must be a number, not a string' });
    await expect(model.createContext({ parallel: true as unknown as number })).rejects.toMatchObject({ message: 'invalid argument: parallel must be a number, not a boolean' });
  });

  it('quantize refuses a thread count ggml cannot run, and writes nothing', async () => {
    await expect(quantize(await testModelPath('llamaSpm'), '/tmp/never-written.gguf', 'Q8_0', { threads: -1 })).rejects.toMatchObject(invalid('threads'));
  });

  it('the context is still usable afterwards', async () => {
    const result = await context.generate('Hello', { maxTokens: 3, temperature: 0 });
    expect(result.completionTokens).toBe(3);
  });
});
