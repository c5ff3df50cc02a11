// A panic in the Rust core (a bug) must reach JavaScript as a typed error: the promise rejects
// with ERR_INTERNAL, the process lives, and the context keeps working. The core panics on
// purpose where GPT4ALL_INJECT_PANIC names the point (crates/core/src/fault.rs).
import { afterEach, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { Gpt4AllError, loadModel } from './index.js';

afterEach(() => {
  delete process.env.GPT4ALL_INJECT_PANIC;
});

describe('a panic in a core job', () => {
  it('rejects generate() with ERR_INTERNAL and leaves the context usable', async () => {
    await using model = await loadModel(await testModelPath('llamaSpm'));
    await using context = await model.createContext({ contextSize: 256 });
    process.env.GPT4ALL_INJECT_PANIC = 'generate';
    const failed = await context.generate('Hello', { maxTokens: 4, temperature: 0 }).catch((e: unknown) => e);
    expect(Gpt4AllError.isInstance(failed)).toBe(true);
    expect(failed).toMatchObject({ code: 'ERR_INTERNAL' });
    expect((failed as Error).message).toContain('injected panic');
    delete process.env.GPT4ALL_INJECT_PANIC;
    const next = await context.generate('Hello', { maxTokens: 4, temperature: 0 });
    expect(next.completionTokens).toBe(4);
  });

  it.each(['generate', 'prefill'])('with parallel sequences: a panic at %s frees its place in line and its sequence', async (point) => {
    await using model = await loadModel(await testModelPath('llamaSpm'));
    await using context = await model.createContext({ contextSize: 256, parallel: 2 });
    process.env.GPT4ALL_INJECT_PANIC = point;
    // More calls than sequences, so that some wait in line behind the ones that panic.
    const failed = await Promise.allSettled([1, 2, 3].map(() => context.generate('Hello', { maxTokens: 4, temperature: 0 })));
    for (const outcome of failed) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_INTERNAL' } });
    delete process.env.GPT4ALL_INJECT_PANIC;
    // A ticket left in line or a sequence left busy would make these wait forever.
    const next = await Promise.all([1, 2, 3].map(() => context.generate('Hello', { maxTokens: 4, temperature: 0 })));
    expect(next.map((r) => r.completionTokens)).toEqual([4, 4, 4]);
  });

  it('rejects embed() with ERR_INTERNAL, and the next call works', async () => {
    await using model = await loadModel(await testModelPath('llamaSpm'));
    process.env.GPT4ALL_INJECT_PANIC = 'embed';
    await expect(model.embed(['Hello'])).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    delete process.env.GPT4ALL_INJECT_PANIC;
    const [vector] = await model.embed(['Hello']);
    expect(vector!.length).toBe(model.info.embeddingLength);
  });
});
