import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { ContextOverflowError, loadModel, type Context, type Model } from './index.js';

let model: Model;
let context: Context;

beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
  context = await model.createContext({ contextSize: 512 });
});
afterAll(() => model.dispose());

const prompt = 'The quick brown fox';

describe('generate', () => {
  it('is deterministic at temperature 0 and varies with the prompt', async () => {
    const first = await context.generate(prompt, { maxTokens: 24, temperature: 0 });
    await context.clear();
    const again = await context.generate(prompt, { maxTokens: 24, temperature: 0 });
    const other = await context.generate('Something else entirely', { maxTokens: 24, temperature: 0 });
    expect(again.tokens).toEqual(first.tokens);
    expect(other.tokens).not.toEqual(first.tokens);
    // Random weights scaled by 1/sqrt(fan-in) must not collapse into one repeated token.
    expect(new Set(first.tokens).size).toBeGreaterThan(4);
  });

  it('stops at maxTokens with finishReason length', async () => {
    const result = await context.generate(prompt, { maxTokens: 7, temperature: 0 });
    expect(result.finishReason).toBe('length');
    expect(result.completionTokens).toBe(7);
    expect(result.tokens).toHaveLength(7);
    expect(result.promptTokens).toBe(model.tokenize(prompt, { addSpecial: true, special: true }).length);
    expect(result.timings.tokensPerSecond).toBeGreaterThan(0);
    // Rates are tokens per second of their own phase.
    const { promptMs, generateMs, promptTokensPerSecond, tokensPerSecond } = result.timings;
    expect(tokensPerSecond).toBeCloseTo((result.completionTokens * 1000) / generateMs, 6);
    expect(promptTokensPerSecond).toBeCloseTo(((result.promptTokens - result.cachedTokens) * 1000) / promptMs, 6);
  });

  it('seeded sampling repeats with the same seed', async () => {
    const a = await context.generate(prompt, { maxTokens: 16, temperature: 1, seed: 7 });
    const b = await context.generate(prompt, { maxTokens: 16, temperature: 1, seed: 7 });
    expect(b.tokens).toEqual(a.tokens);
  });

  it('samples above temperature 0, where the seed decides, and is greedy at 0, where it does not', async () => {
    const run = async (temperature: number) => {
      const replies: string[] = [];
      for (const seed of [1, 2, 3]) replies.push((await context.generate(prompt, { maxTokens: 16, temperature, seed })).tokens.join());
      return replies;
    };
    const [greedy, warm] = [await run(0), await run(1.5)];
    expect(new Set(greedy).size).toBe(1);
    expect(new Set(warm).size).toBeGreaterThan(1);
    expect(warm.some((reply) => reply !== greedy[0])).toBe(true);
  });

  it('streams chunks that add up exactly to the result, and onToken sees the same', async () => {
    const seen: string[] = [];
    const stream = context.stream('Ünïcödé — 日本語のテキスト 🦙🦙', { maxTokens: 64, temperature: 1, seed: 3, onToken: (c) => seen.push(c.text) });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk.text);
    const result = await stream.result;
    expect(chunks.join('')).toBe(result.text);
    expect(seen.join('')).toBe(result.text);
    expect(chunks.length).toBe(result.completionTokens);
  });

  it('keeps every chunk, in order, when the JS thread lags behind the decode loop', async () => {
    const reference = await context.generate(prompt, { maxTokens: 48, temperature: 0 });
    await context.clear();
    const tokens: number[] = [];
    const stream = context.stream(prompt, {
      maxTokens: 48,
      temperature: 0,
      // Blocks the event loop, so that tokens pile up natively and arrive several per event.
      onToken: (chunk) => {
        tokens.push(chunk.token);
        const until = performance.now() + 5;
        while (performance.now() < until);
      },
    });
    const streamed: number[] = [];
    for await (const chunk of stream) streamed.push(chunk.token);
    const result = await stream.result;
    expect(result.tokens).toEqual(reference.tokens);
    expect(streamed).toEqual(result.tokens);
    expect(tokens).toEqual(result.tokens);
  });

  it('flushes text held back at the end in one last chunk with token -1', async () => {
    const base = await context.generate(prompt, { maxTokens: 8, temperature: 0 });
    // A stop string that the whole output starts but never completes: all of it stays held back.
    const chunks: { text: string; token: number }[] = [];
    const result = await context.generate(prompt, { maxTokens: 8, temperature: 0, stop: [`${base.text}\u0000never`], onToken: (c) => chunks.push(c) });
    expect(result.text).toBe(base.text);
    expect(chunks.map((c) => c.text).join('')).toBe(result.text);
    expect(chunks.slice(0, -1).map((c) => c.token)).toEqual(result.tokens);
    expect(chunks.at(-1)).toEqual({ text: base.text, token: -1 });
  });

  it.each([
    ['an error', new Error('consumer failed')],
    ['undefined', undefined],
  ])('stops at the first chunk whose onToken throws (%s), even within a batch, and rejects with it', async (_name, thrown) => {
    let calls = 0;
    const failing = context.generate(prompt, {
      maxTokens: 48,
      temperature: 0,
      // Slow, so that tokens pile up natively and the throw falls inside a batch.
      onToken: () => {
        calls++;
        const until = performance.now() + 5;
        while (performance.now() < until);
        if (calls === 3) throw thrown;
      },
    });
    await expect(failing).rejects.toBe(thrown);
    expect(calls).toBe(3);
    expect((await context.generate(prompt, { maxTokens: 4, temperature: 0 })).completionTokens).toBe(4);
  });

  it('never splits a multi-byte character across chunks (byte-fallback tokens)', async () => {
    // Find sampled runs that contain byte-fallback tokens (pieces that are not valid UTF-8 on
    // their own), so the test really exercises the held-back path.
    let exercised = 0;
    for (let seed = 1; seed <= 12 && exercised < 3; seed++) {
      const chunks: string[] = [];
      const result = await context.generate('日本語 ✓ 🦙', {
        maxTokens: 96,
        temperature: 1.5,
        topK: 0,
        topP: 1,
        minP: 0,
        seed,
        onToken: (c) => chunks.push(c.text),
      });
      const partial = result.tokens.filter((t) => model.detokenize([t]).includes('\uFFFD'));
      if (partial.length > 0) exercised++;
      expect(chunks.join('')).toBe(result.text);
      // Each replacement character in the text is one that the final decoding also has: a chunk
      // boundary never created one.
      const count = (s: string) => [...s].filter((ch) => ch === '\uFFFD').length;
      expect(chunks.reduce((n, c) => n + count(c), 0)).toBe(count(result.text));
    }
    expect(exercised).toBeGreaterThan(0);
  });

  it('honours a stop string that spans two tokens and never emits it', async () => {
    const free = await context.generate(prompt, { maxTokens: 40, temperature: 0 });
    const pieces = free.tokens.map((t) => model.detokenize([t]));
    const k = pieces.findIndex((p, i) => i > 2 && p.length >= 2 && (pieces[i + 1]?.length ?? 0) >= 2 && !p.includes('\uFFFD'));
    expect(k).toBeGreaterThan(0);
    const stop = pieces[k]!.slice(-2) + pieces[k + 1]!.slice(0, 2);
    const chunks: string[] = [];
    const stopped = await context.generate(prompt, { maxTokens: 40, temperature: 0, stop: [stop], onToken: (c) => chunks.push(c.text) });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    expect(stopped.text.includes(stop)).toBe(false);
    expect(chunks.join('')).toBe(stopped.text);
  });

  it('reuses the KV cache for a prompt that extends the previous one', async () => {
    await context.clear();
    const first = await context.generate(prompt, { maxTokens: 12, temperature: 0 });
    const promptTokens = model.tokenize(prompt, { addSpecial: true, special: true });
    const followUp = [...promptTokens, ...first.tokens, ...model.tokenize(' and then')];
    const second = await context.generate(followUp, { maxTokens: 12, temperature: 0 });
    // Everything but the last sampled token (never evaluated) was already in the cache.
    expect(second.cachedTokens).toBe(promptTokens.length + first.tokens.length - 1);
    // And reuse is invisible in the output: a fresh context gives the same continuation.
    const fresh = await model.createContext({ contextSize: 512 });
    const expected = await fresh.generate(followUp, { maxTokens: 12, temperature: 0 });
    await fresh.dispose();
    expect(expected.cachedTokens).toBe(0);
    expect(second.tokens).toEqual(expected.tokens);
  });

  it('truncate keeps a prefix of the cache', async () => {
    await context.generate(prompt, { maxTokens: 4, temperature: 0 });
    const held = context.cachedTokens();
    await context.truncate(2);
    expect(context.cachedTokens()).toEqual(held.slice(0, 2));
  });

  it('rejects a prompt longer than the context with ContextOverflowError, and stays usable', async () => {
    const long = Array.from({ length: 600 }, (_, i) => 100 + (i % 50));
    const error = await context.generate(long, { maxTokens: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as ContextOverflowError).code).toBe('ERR_CONTEXT_OVERFLOW');
    expect((error as ContextOverflowError).tokens).toBe(600);
    expect((error as ContextOverflowError).contextSize).toBe(512);
    // The numbers and the message come from the Rust core's typed error, not from a TypeScript check.
    expect((error as Error).message).toBe('600 tokens do not fit in a context of 512 tokens');
    const after = await context.generate(prompt, { maxTokens: 3, temperature: 0 });
    expect(after.completionTokens).toBe(3);
  });

  it('rejects token ids outside the vocabulary', async () => {
    const error = await context.generate([1, model.info.vocabSize + 5], { maxTokens: 1 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('queues concurrent calls on one context in order', async () => {
    const [a, b] = await Promise.all([
      context.generate(prompt, { maxTokens: 8, temperature: 0 }),
      context.generate('A different start', { maxTokens: 8, temperature: 0 }),
    ]);
    const a2 = await context.generate(prompt, { maxTokens: 8, temperature: 0 });
    const b2 = await context.generate('A different start', { maxTokens: 8, temperature: 0 });
    expect(a.tokens).toEqual(a2.tokens);
    expect(b.tokens).toEqual(b2.tokens);
  });

  it('exposes model info and metadata', () => {
    expect(model.info.architecture).toBe('llama');
    expect(model.info.vocabSize).toBe(32000);
    expect(model.info.embeddingLength).toBe(64);
    expect(model.info.quantization).toBe('F32');
    expect(model.info.metadata['general.architecture']).toBe('llama');
    expect(Array.isArray(model.info.metadata['tokenizer.ggml.tokens'])).toBe(true);
  });
});

describe('evaluate', () => {
  it('prefills the cache, reusing the cached prefix, and a following generate reuses it all', async () => {
    await context.clear();
    const tokens = model.tokenize(prompt + ' jumps over', { addSpecial: true, special: true });
    const first = await context.evaluate(tokens);
    expect(first).toMatchObject({ cachedTokens: 0, evaluatedTokens: tokens.length });
    expect(context.cachedTokens()).toEqual(tokens);
    const more = [...tokens, ...model.tokenize(' the lazy dog')];
    const second = await context.evaluate(more);
    expect(second).toMatchObject({ cachedTokens: tokens.length, evaluatedTokens: more.length - tokens.length });
    const generated = await context.generate(more, { maxTokens: 4, temperature: 0 });
    expect(generated.cachedTokens).toBe(more.length - 1);
  });
});
