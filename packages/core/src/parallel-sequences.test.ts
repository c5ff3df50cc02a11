// A context of several sequences (`parallel`): generations run together, their steps decoded in
// one batch, each in its own part of the KV cache. What a sequence generates must not depend on
// what the others do, waiting is first come first served and abortable, and a conversation finds
// its own cached prefix again.
import { ensureTestModel } from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadModel, type GenerateResult } from './index.js';

const prompts = ['The quick brown fox', 'Once upon a time, in a land far away,', 'Ünïcödé: 日本語と🦙', 'def fibonacci(n):'];

describe('a context of several sequences', () => {
  it.each([
    ['llama', 'llama-spm'],
    ['qwen2', 'qwen2'],
    ['gpt2', 'gpt-2'],
  ] as const)('generates concurrently what one sequence generates alone (%s)', async (architecture, vocab) => {
    await using model = await loadModel(await ensureTestModel({ architecture, vocab, seed: 41 }));
    const options = { temperature: 0, maxTokens: 24 };
    const alone: GenerateResult[] = [];
    {
      await using single = await model.createContext({ contextSize: 256, threads: 2 });
      for (const prompt of prompts) alone.push(await single.generate(prompt, options));
    }
    await using pooled = await model.createContext({ contextSize: 256, threads: 2, parallel: 4 });
    expect(pooled.parallel).toBe(4);
    expect(pooled.contextSize).toBe(256);
    const together = await Promise.all(prompts.map((prompt) => pooled.generate(prompt, options)));
    expect(together.map((r) => r.tokens)).toEqual(alone.map((r) => r.tokens));
    expect(together.map((r) => r.text)).toEqual(alone.map((r) => r.text));
    // Twice more: sequences are reused, and the cache of each holds its own prompt.
    const again = await Promise.all(prompts.map((prompt) => pooled.generate(prompt, options)));
    expect(again.map((r) => r.tokens)).toEqual(alone.map((r) => r.tokens));
  });

  it('interleaves the streams of concurrent generations, and each ends on its own', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 42 }));
    await using context = await model.createContext({ contextSize: 512, threads: 2, parallel: 2 });
    const order: string[] = [];
    let aStarted!: () => void;
    const started = new Promise<void>((resolve) => (aStarted = resolve));
    const run = async (name: string, prompt: string, maxTokens: number) => {
      let count = 0;
      for await (const chunk of context.stream(prompt, { temperature: 0, maxTokens })) {
        if (chunk.token >= 0) order.push(name);
        if (name === 'a') aStarted();
        count++;
      }
      return count;
    };
    // b starts once a is generating: one at a time, all of b would come after a's 300 tokens.
    const [a, b] = await Promise.all([run('a', prompts[0]!, 300), started.then(() => run('b', prompts[1]!, 10))]);
    expect(a).toBeGreaterThanOrEqual(300);
    expect(b).toBeGreaterThanOrEqual(10);
    // b finished while a was still generating: its tokens are not all after a's.
    expect(order.lastIndexOf('b')).toBeLessThan(order.lastIndexOf('a'));
    expect(order.indexOf('b')).toBeLessThan(order.lastIndexOf('a'));
  });

  it('makes a call wait for a free sequence, first come first served, and a waiting call can be aborted', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 43 }));
    await using context = await model.createContext({ contextSize: 256, threads: 2, parallel: 2 });
    const finished: string[] = [];
    const track = (name: string, result: Promise<GenerateResult>) => result.then((r) => (finished.push(name), r));
    const first = track('first', context.generate(prompts[0]!, { temperature: 0, maxTokens: 60 }));
    const second = track('second', context.generate(prompts[1]!, { temperature: 0, maxTokens: 60 }));
    const aborter = new AbortController();
    const waiting = context.generate(prompts[2]!, { temperature: 0, maxTokens: 60, signal: aborter.signal });
    const third = track('third', context.generate(prompts[3]!, { temperature: 0, maxTokens: 4 }));
    aborter.abort();
    const abandoned = await waiting;
    expect(abandoned.finishReason).toBe('abort');
    expect(abandoned.completionTokens).toBe(0);
    const results = await Promise.all([first, second, third]);
    expect(results.map((r) => r.finishReason)).toEqual(['length', 'length', 'length']);
    // The third got a sequence only when one of the first two ended.
    expect(finished.indexOf('third')).toBeGreaterThan(0);
  });

  it('aborts one generation without disturbing the others', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', seed: 44 }));
    await using single = await model.createContext({ contextSize: 256, threads: 2 });
    const expected = await single.generate(prompts[1]!, { temperature: 0, maxTokens: 30 });
    await using context = await model.createContext({ contextSize: 256, threads: 2, parallel: 3 });
    const aborter = new AbortController();
    const stopped = context.generate(prompts[0]!, {
      temperature: 0,
      maxTokens: 200,
      signal: aborter.signal,
      onToken: () => aborter.abort(),
    });
    const kept = context.generate(prompts[1]!, { temperature: 0, maxTokens: 30 });
    const [a, b] = await Promise.all([stopped, kept]);
    expect(a.finishReason).toBe('abort');
    // Aborted from the first chunk: the few tokens sampled before the flag was seen, not 200.
    expect(a.completionTokens).toBeLessThan(10);
    expect(b.tokens).toEqual(expected.tokens);
  });

  it('gives a conversation back its own sequence, so its next turn reuses the cache', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-bpe', seed: 45 }));
    await using context = await model.createContext({ contextSize: 512, threads: 2, parallel: 2 });
    const a = model.tokenize('Conversation A: the first speaker says hello and asks about the weather.', { addSpecial: true });
    const b = model.tokenize('Conversation B: a different person wants to know the capital of France.', { addSpecial: true });
    // One after the other: a's cache must survive b, whose prompt shares only the BOS token with it.
    const ra = await context.generate(a, { temperature: 0, maxTokens: 8 });
    const rb = await context.generate(b, { temperature: 0, maxTokens: 8 });
    // Each next turn continues its own history; the order is swapped so that no sequence is
    // handed out by chance.
    const nextB = context.generate([...b, ...rb.tokens, ...model.tokenize(' And Spain?')], { temperature: 0, maxTokens: 4 });
    const nextA = context.generate([...a, ...ra.tokens, ...model.tokenize(' And tomorrow?')], { temperature: 0, maxTokens: 4 });
    const [turnB, turnA] = await Promise.all([nextB, nextA]);
    expect(turnA.cachedTokens).toBeGreaterThanOrEqual(a.length);
    expect(turnB.cachedTokens).toBeGreaterThanOrEqual(b.length);
  });

  it('refuses what one KV record means, an oversized prompt, and a bad `parallel`', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 46 }));
    await using context = await model.createContext({ contextSize: 64, threads: 2, parallel: 2 });
    expect(() => context.cachedTokens()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('2 sequences') }));
    await expect(context.evaluate([1, 2, 3])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(context.generate(Array.from({ length: 100 }, () => 100), { maxTokens: 2 })).rejects.toMatchObject({
      code: 'ERR_CONTEXT_OVERFLOW',
      tokens: 100,
      contextSize: 64,
    });
    // The context still generates, and clears every sequence.
    expect((await context.generate('Still fine', { temperature: 0, maxTokens: 3 })).completionTokens).toBe(3);
    await context.clear();
    for (const parallel of [0, -1, 1.5, DEFAULTS.maxParallel + 1]) {
      await expect(model.createContext({ contextSize: 64, parallel })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    }
    await expect(model.createContext({ contextSize: 64, parallel: 2, embeddings: true })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('is disposed with generations running and waiting: the running end with `abort` at once, the waiting never start', async () => {
    // Scripted to say " la" forever: only maxTokens, an abort or a full context ends a generation.
    await using model = await loadModel(await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', size: 'tiny', seed: 23, script: { emit: [' la'], then: ' la' } }));
    const context = await model.createContext({ contextSize: 4096, threads: 2, parallel: 2 });
    // Disposed once the first two have each generated a token (the third waits for a sequence).
    const seen = new Set<number>();
    let bothRunning!: () => void;
    const bothStarted = new Promise<void>((resolve) => (bothRunning = resolve));
    const onToken = (i: number) => () => {
      if (seen.add(i).size === 2) bothRunning();
    };
    const running = [0, 1, 2].map((i) => context.generate(prompts[i]!, { temperature: 0, maxTokens: 4000, onToken: onToken(i) }));
    await bothStarted;
    await context.dispose();
    const [first, second, third] = await Promise.allSettled(running);
    for (const result of [first, second]) {
      expect(result).toMatchObject({ status: 'fulfilled', value: { finishReason: 'abort' } });
      expect((result as PromiseFulfilledResult<GenerateResult>).value.completionTokens).toBeLessThan(1000);
    }
    // The third waited for a sequence: it ends without a token.
    if (third!.status === 'fulfilled') expect(third!.value).toMatchObject({ finishReason: 'abort', completionTokens: 0 });
    else expect(third!.reason).toMatchObject({ code: 'ERR_DISPOSED' });
    expect(context.disposed).toBe(true);
  });

  it('is disposed before a generation it was given starts: the generation never runs', async () => {
    await using model = await loadModel(await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', size: 'tiny', seed: 23, script: { emit: [' la'], then: ' la' } }));
    const context = await model.createContext({ contextSize: 4096, threads: 2, parallel: 2 });
    let tokens = 0;
    const generation = context.generate('Go', { temperature: 0, maxTokens: 4000, onToken: () => void tokens++ });
    await context.dispose();
    await expect(generation).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(tokens).toBe(0);
  });
});
