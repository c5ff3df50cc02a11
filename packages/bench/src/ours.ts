// The measurements through @gpt4all/core, run inside an engine process (see worker.ts).
import { jsonSchemaToGrammar, listDevices, loadModel, type Context, type Model } from '@gpt4all/core';
import { benchSchema } from './bench-schema.js';
import type { ConstrainedJob, ConstrainedResult, EmbedJob, EmbedResult, GenerateJob, GenerateResult, MemoryJob, MemoryResult, Rates, ThroughputJob, ThroughputResult, TtftJob, TtftResult } from './jobs.js';
import { perSecond } from './stats.js';

/** The full sampler chain the sampling-cost figure charges for. */
/** Argmax with no penalty (llama-bench's and llama-completion's greedy): the engine's default repeat penalty (GPT4All's) is off. */
const pureGreedy = { temperature: 0, repeatPenalty: 1 };
const fullChain = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, seed: 42 };

/** pp and tg with llama-bench's method: one context per test, sized like llama-bench's (n_prompt + n_gen). */
export async function oursThroughput(job: ThroughputJob): Promise<ThroughputResult> {
  await using model = await load(job);
  const result: ThroughputResult = {};
  if (job.pp) {
    const { tokens, reps } = job.pp;
    await using context = await model.createContext({ contextSize: tokens.length, batchSize: 512, threads: job.threads });
    // llama-bench warms up with a whole prompt run.
    await prefill(context, tokens);
    result.pp = await repeat(reps, job.maxSeconds, tokens.length, () => prefill(context, tokens));
  }
  if (job.tg) {
    const { tokens, reps } = job.tg;
    await using context = await model.createContext({ contextSize: tokens.length, batchSize: 512, threads: job.threads });
    // llama-bench warms up with one decoded token.
    await context.evaluate(tokens.slice(0, 1));
    result.tg = await repeat(reps, job.maxSeconds, tokens.length, () => decodeOneByOne(context, tokens));
  }
  return result;
}

/** Evaluates `tokens` into an emptied cache; returns the caller's and the engine's milliseconds. */
async function prefill(context: Context, tokens: number[]): Promise<[number, number]> {
  await context.clear();
  const started = performance.now();
  const { ms } = await context.evaluate(tokens);
  return [performance.now() - started, ms];
}

/**
 * Decodes `tokens` one at a time into an emptied cache: each call passes the whole sequence so
 * far, and the context evaluates only the token it has not seen (its prefix is cached).
 */
async function decodeOneByOne(context: Context, tokens: number[]): Promise<[number, number]> {
  await context.clear();
  const sequence: number[] = [];
  let engineMs = 0;
  const started = performance.now();
  for (const token of tokens) {
    sequence.push(token);
    const { ms, evaluatedTokens } = await context.evaluate(sequence);
    if (evaluatedTokens !== 1) throw new Error(`expected one evaluated token, got ${evaluatedTokens}`);
    engineMs += ms;
  }
  return [performance.now() - started, engineMs];
}

/** Runs `run` up to `reps` times (fewer after `maxSeconds`); each returns [caller ms, engine ms] for `tokens` tokens. */
async function repeat(reps: number, maxSeconds: number, tokens: number, run: () => Promise<[number, number]>): Promise<Rates> {
  const tokensPerSecond: number[] = [];
  const engineTokensPerSecond: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < reps && (i === 0 || performance.now() < deadline); i++) {
    const [wallMs, engineMs] = await run();
    tokensPerSecond.push(perSecond(tokens, wallMs));
    engineTokensPerSecond.push(perSecond(tokens, engineMs));
  }
  return { tokensPerSecond, engineTokensPerSecond };
}

/** Greedy generation (the users' path) and the sampling cost of the full chain over greedy. */
export async function oursGenerate(job: GenerateJob): Promise<GenerateResult> {
  await using model = await load(job);
  await using context = await model.createContext({ contextSize: job.prompt.length + job.maxTokens + 1, threads: job.threads });
  const greedy = { maxTokens: job.maxTokens, ...pureGreedy };
  const full = { maxTokens: job.maxTokens, ...fullChain };
  const run = async (options: typeof greedy | typeof full) => {
    await context.clear();
    return context.generate(job.prompt, options);
  };
  await run(greedy);
  await run(full);
  const result: GenerateResult = { greedyTokensPerSecond: [], greedyUsPerToken: [], fullChainUsPerToken: [] };
  // Alternate the two, so that a change of load on the machine touches both alike.
  const deadline = performance.now() + job.maxSeconds * 1000;
  for (let i = 0; i < job.reps && (i === 0 || performance.now() < deadline); i++) {
    const g = await run(greedy);
    result.greedyTokensPerSecond.push(g.timings.tokensPerSecond);
    result.greedyUsPerToken.push((g.timings.generateMs * 1000) / g.completionTokens);
    const f = await run(full);
    result.fullChainUsPerToken.push((f.timings.generateMs * 1000) / f.completionTokens);
  }
  return result;
}

/**
 * Decoding held to a JSON schema against the same sampling without it (alternated, same seeds),
 * and the per-request cost of the schema: its conversion, and everything a request adds before
 * its first token (measured as `maxTokens: 0` requests on a cached prompt, with and without).
 */
export async function oursConstrained(job: ConstrainedJob): Promise<ConstrainedResult> {
  await using model = await load(job);
  await using context = await model.createContext({ contextSize: job.prompt.length + job.maxTokens + 1, threads: job.threads });
  const result: ConstrainedResult = { constrainedTokensPerSecond: [], unconstrainedTokensPerSecond: [], schemaToGrammarMs: [], setupMs: [] };
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    jsonSchemaToGrammar(benchSchema);
    result.schemaToGrammarMs.push(performance.now() - started);
  }
  await context.generate(job.prompt, { maxTokens: 0 });
  for (let i = 0; i < 10; i++) {
    let started = performance.now();
    await context.generate(job.prompt, { maxTokens: 0 });
    const plain = performance.now() - started;
    started = performance.now();
    await context.generate(job.prompt, { maxTokens: 0, jsonSchema: benchSchema });
    result.setupMs.push(performance.now() - started - plain);
  }
  const deadline = performance.now() + job.maxSeconds * 1000;
  for (let i = 0; i < job.reps && (i === 0 || performance.now() < deadline); i++) {
    const sampling = { ...fullChain, seed: 42 + i, maxTokens: job.maxTokens };
    await context.clear();
    const free = await context.generate(job.prompt, sampling);
    result.unconstrainedTokensPerSecond.push(free.timings.tokensPerSecond);
    await context.clear();
    const held = await context.generate(job.prompt, { ...sampling, jsonSchema: benchSchema });
    result.constrainedTokensPerSecond.push(held.timings.tokensPerSecond);
  }
  return result;
}

/** Time to first token of a long first turn, and of the second turn that follows it. */
export async function oursTtft(job: TtftJob): Promise<TtftResult> {
  await using model = await load(job);
  await using context = await model.createContext({ contextSize: job.contextSize, threads: job.threads });
  const once = { maxTokens: 1, ...pureGreedy };
  // Warm-up on other tokens, so the first measured turn does not find them cached.
  await context.generate(job.followUp, once);
  const result: TtftResult = { firstTurnMs: [], secondTurnMs: [], secondTurnCachedTokens: [], secondTurnPromptTokens: 0 };
  for (let i = 0; i < job.reps; i++) {
    await context.clear();
    let started = performance.now();
    const first = await context.generate(job.firstTurn, once);
    result.firstTurnMs.push(performance.now() - started);
    const second = [...job.firstTurn, ...first.tokens, ...job.followUp];
    started = performance.now();
    const answer = await context.generate(second, once);
    result.secondTurnMs.push(performance.now() - started);
    result.secondTurnCachedTokens.push(answer.cachedTokens);
    result.secondTurnPromptTokens = second.length;
  }
  return result;
}

/** Load time with mmap, and the process's peak RSS after loading and generating. */
export async function oursMemory(job: MemoryJob): Promise<MemoryResult> {
  // Loads the addon (and nothing else), so the baseline includes the engine's code.
  listDevices();
  const baselineRssBytes = process.memoryUsage().rss;
  const loadMs: number[] = [];
  for (let i = 0; i < job.loads; i++) {
    const started = performance.now();
    const model = await load(job);
    loadMs.push(performance.now() - started);
    if (i < job.loads - 1) await model.dispose();
    else {
      await using context = await model.createContext({ contextSize: job.contextSize, threads: job.threads });
      await context.generate(job.prompt, { maxTokens: job.maxTokens, ...pureGreedy });
      await model.dispose();
    }
  }
  return { loadMs, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** Sentence embeddings through `embed`, timed around the call (tokenisation included). */
export async function oursEmbed(job: EmbedJob): Promise<EmbedResult> {
  await using model = await load(job);
  const tokens = job.texts.reduce((sum, text) => sum + model.tokenize(text, { addSpecial: true }).length, 0);
  // The first call creates the embedding context.
  await model.embed(job.texts);
  const ms: number[] = [];
  for (let i = 0; i < job.reps; i++) {
    const started = performance.now();
    await model.embed(job.texts);
    ms.push(performance.now() - started);
  }
  return { tokens, ms };
}

function load(job: { modelPath: string; backend: string; rpcWorkers?: string[] }): Promise<Model> {
  return loadModel(job.modelPath, { backend: job.backend, useMmap: true, ...(job.rpcWorkers && { rpcWorkers: job.rpcWorkers }) });
}
