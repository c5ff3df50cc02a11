// The same measurements through node-llama-cpp, with its documented API, in its own process.
// It is a peer, not a dependency: when it is not installed, or its prebuilt binary does not run
// here, the import or getLlama throws and the harness reports it as skipped.
import type { Llama, LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import type { MemoryJob, MemoryResult, Rates, ThroughputJob, ThroughputResult } from './jobs.js';
import { perSecond } from './stats.js';

/** pp and tg with llama-bench's method, through `evaluateWithoutGeneratingNewTokens`. */
export async function nodeLlamaCppThroughput(job: ThroughputJob): Promise<ThroughputResult> {
  const llama = await openLlama(job.threads);
  const model = await llama.loadModel({ modelPath: job.modelPath, gpuLayers: 0, useMmap: true });
  const result: ThroughputResult = {};
  try {
    if (job.pp) {
      const { tokens, reps } = job.pp;
      const context = await createContext(model, tokens.length, job.threads);
      const sequence = context.getSequence();
      const prefill = async () => {
        await sequence.clearHistory();
        const started = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens(tokens as Token[]);
        return performance.now() - started;
      };
      await prefill();
      result.pp = await repeat(reps, job.maxSeconds, tokens.length, prefill);
      await context.dispose();
    }
    if (job.tg) {
      const { tokens, reps } = job.tg;
      const context = await createContext(model, tokens.length, job.threads);
      const sequence = context.getSequence();
      // One token per call: each call appends to what the sequence already holds.
      const decode = async () => {
        await sequence.clearHistory();
        const started = performance.now();
        for (const token of tokens) await sequence.evaluateWithoutGeneratingNewTokens([token as Token]);
        return performance.now() - started;
      };
      await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, 1) as Token[]);
      result.tg = await repeat(reps, job.maxSeconds, tokens.length, decode);
      await context.dispose();
    }
  } finally {
    await model.dispose();
    await llama.dispose();
  }
  return result;
}

/** Load time with mmap, and peak RSS after loading and generating greedily. */
export async function nodeLlamaCppMemory(job: MemoryJob): Promise<MemoryResult> {
  const llama = await openLlama(job.threads);
  const baselineRssBytes = process.memoryUsage().rss;
  const loadMs: number[] = [];
  for (let i = 0; i < job.loads; i++) {
    const started = performance.now();
    const model = await llama.loadModel({ modelPath: job.modelPath, gpuLayers: 0, useMmap: true });
    loadMs.push(performance.now() - started);
    if (i === job.loads - 1) {
      const context = await createContext(model, job.contextSize, job.threads);
      let generated = 0;
      for await (const _token of context.getSequence().evaluate(job.prompt as Token[], { temperature: 0 })) {
        if (++generated >= job.maxTokens) break;
      }
      await context.dispose();
    }
    await model.dispose();
  }
  await llama.dispose();
  return { loadMs, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** The CPU build from node-llama-cpp's prebuilt binaries: never built or downloaded here. */
async function openLlama(threads: number): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  return getLlama({ gpu: false, build: 'never', skipDownload: true, usePrebuiltBinaries: true, progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: threads });
}

function createContext(model: LlamaModel, contextSize: number, threads: number): Promise<LlamaContext> {
  // Flash attention as llama-bench and @gpt4all/core leave it: llama.cpp decides ("auto").
  return model.createContext({ contextSize, batchSize: Math.min(512, contextSize), threads, sequences: 1, flashAttention: 'auto' });
}

/** Runs `run` up to `reps` times (fewer after `maxSeconds`); each returns milliseconds for `tokens` tokens. */
async function repeat(reps: number, maxSeconds: number, tokens: number, run: () => Promise<number>): Promise<Rates> {
  const tokensPerSecond: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < reps && (i === 0 || performance.now() < deadline); i++) tokensPerSecond.push(perSecond(tokens, await run()));
  return { tokensPerSecond };
}
