// The harness's batching rows (issue #15): several generations at once on one model, and what
// sharing one context saves chat sessions in memory. Called by run-bench.ts.
import { DEFAULTS } from '@gpt4all/core';
import type { BenchConfig } from './config.js';
import type { SessionsJob, StreamsJob } from './jobs.js';
import { runLlamaBatchedBench } from './llama-batched-bench.js';
import type { MeasurementGuard } from './measurement-guard.js';
import type { BenchModel } from './models.js';
import { randomTokens } from './random-tokens.js';
import type { SampleStore } from './results.js';
import { runJob } from './run-process.js';

/** What the batching rows need of the run. */
export interface BatchingSetup {
  config: BenchConfig;
  /** The big model (the tiny one in a smoke run). */
  model: BenchModel;
  /** llama.cpp's tools built for the CPU level (or GPU variant) ours runs. */
  binDir: string;
  gpuLayers: number;
  /** The @gpt4all/core variant every engine process is forced to. */
  backend: string;
  guard: MeasurementGuard;
  store: SampleStore;
  /** Notes for the report's "Skipped" list. */
  skipped: string[];
  jobTimeoutMs: number;
}

type BatchingEngine = 'llama-batched-bench' | StreamsJob['via'];

/**
 * Aggregate decode tokens/s of `parallel` streams at once: concurrent `stream()` calls on one
 * context, concurrent requests through the server, and llama-batched-bench's S_TG, in passes that
 * alternate the order as the throughput rows do. Stores `batching.{context,server,llama}`.
 */
export async function measureBatchedDecoding(setup: BatchingSetup): Promise<void> {
  const { config, model, guard, store } = setup;
  const sizes = config.batching;
  // The server cannot size its shared context: each sequence gets @gpt4all/chat's default for a
  // model with no catalog entry, and the other two must hold as many tokens.
  const serverSize = Math.min(DEFAULTS.contextSize, model.contextLength);
  if (serverSize !== sizes.contextSize) throw new Error(`the server gives each sequence ${serverSize} tokens; the batching rows are set to ${sizes.contextSize}`);
  // Round 0 is the warm-up; the same prompts in every engine process (each starts with empty caches).
  const rounds = Array.from({ length: sizes.repsPerPass + 1 }, (_, round) =>
    Array.from({ length: sizes.parallel }, (_, stream) => randomTokens(model, sizes.promptTokens, 100 + round * sizes.parallel + stream)),
  );
  const job = (via: StreamsJob['via']): StreamsJob => ({
    kind: 'streams',
    engine: 'ours',
    via,
    modelPath: model.path,
    threads: config.threads,
    backend: setup.backend,
    prompts: rounds,
    maxTokens: sizes.generatedTokens,
    contextSize: sizes.contextSize,
    maxSeconds: sizes.maxSeconds,
  });
  const engines: BatchingEngine[] = ['llama-batched-bench', 'context', 'server'];
  const shape = `${sizes.parallel} streams of pp${sizes.promptTokens}/tg${sizes.generatedTokens}`;
  for (let pass = 0; pass < config.passes; pass++) {
    for (const engine of pass % 2 === 0 ? engines : [...engines].reverse()) {
      const label = `batching, ${shape}, pass ${pass + 1}/${config.passes}: ${engine === 'llama-batched-bench' ? engine : `ours through ${engine === 'context' ? 'one context' : 'the server'}`}`;
      if (engine === 'llama-batched-bench') {
        const options = {
          binDir: setup.binDir,
          modelPath: model.path,
          threads: config.threads,
          parallel: sizes.parallel,
          contextSize: sizes.contextSize,
          promptTokens: sizes.promptTokens,
          generatedTokens: sizes.generatedTokens,
          reps: sizes.repsPerPass,
          gpuLayers: setup.gpuLayers,
        };
        store.add('batching.llama', await guard.run(label, () => runLlamaBatchedBench(options)));
        continue;
      }
      const r = await guard.run(label, () => runJob<'streams'>(job(engine), setup.jobTimeoutMs));
      store.add(`batching.${engine}`, r.tokensPerSecond);
      if (engine === 'server') store.set('batching.serverPromptTokens', Math.round(r.promptTokens.reduce((a, b) => a + b, 0) / r.promptTokens.length));
      const early = r.finishReasons.filter((reason) => reason !== 'length').length;
      if (early > 0) {
        // The server's /v1/completions takes no logit_bias, so end of generation cannot be banned there.
        const why = engine === 'server' ? ' (/v1/completions takes no logit_bias to ban it)' : '';
        setup.skipped.push(`batching through ${engine === 'server' ? 'the server' : 'one context'}: ${early} stream(s) ended before ${sizes.generatedTokens} tokens${why}; the rate covers the span all streams ran`);
      }
    }
  }
}

/**
 * Peak and settled RSS of a process whose chat sessions share the model's context, and of one
 * whose sessions have a context each (one child process each), with the contexts llama.cpp made.
 * Stores `sessions.{shared,own}.*`.
 */
export async function measureSessionMemory(setup: BatchingSetup): Promise<void> {
  const { config, model, guard, store } = setup;
  const message = 'The first school in the city was known for its national university. What was it called?';
  for (const contexts of ['shared', 'own'] as const) {
    const job: SessionsJob = { kind: 'sessions', engine: 'ours', contexts, modelPath: model.path, threads: config.threads, backend: setup.backend, message, ...config.sessions };
    const what = contexts === 'shared' ? "sharing the model's context" : 'a context each';
    const r = await guard.run(`${config.sessions.sessions} chat sessions, ${what}: peak RSS`, () => runJob<'sessions'>(job, setup.jobTimeoutMs));
    store.set(`sessions.${contexts}.loaded`, r.loadedRssBytes);
    store.set(`sessions.${contexts}.peak`, r.peakRssBytes);
    store.set(`sessions.${contexts}.settled`, r.settledRssBytes);
    store.set(`sessions.${contexts}.contexts`, r.contextsCreated);
    store.set('sessions.contextSize', r.contextSize);
  }
}
