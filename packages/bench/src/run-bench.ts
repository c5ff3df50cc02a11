// The harness: builds what it needs, then runs every engine on the same files and thread count,
// one process at a time, and reduces the samples to results (results.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveBackend } from '@gpt4all/core';
import type { BenchConfig } from './config.js';
import { embeddingTexts } from './embedding-texts.js';
import type { Engine } from './jobs.js';
import { runLlamaBench } from './llama-bench.js';
import { runLlamaEmbedding } from './llama-embedding.js';
import { canMeasureLlamaMemory, llamaCompletionPeakRss } from './llama-memory.js';
import { buildLlamaTools, llamaCppCommit, repoRoot, variantSpec } from './llama-tools.js';
import { loadAverage, machineInfo } from './machine.js';
import { ensureBenchModel, ensureBertModel, ensureTinyModel, type BenchModel } from './models.js';
import { moreRandomTokens, randomTokens } from './random-tokens.js';
import { buildResults, SampleStore, type BenchResults, type RunContext } from './results.js';
import { runJob } from './run-process.js';
import { perSecond } from './stats.js';

const jobTimeoutMs = 15 * 60_000;

/** Runs the benchmark described by `config`; `log` receives progress lines. */
export async function runBench(config: BenchConfig, log: (line: string) => void): Promise<BenchResults> {
  const startedAt = new Date();
  const step = (line: string) => log(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const loadAverageBefore = loadAverage();
  step(`load average ${loadAverageBefore.join(' ')} on ${availableParallelism()} cores`);

  // The variant @gpt4all/core picks here; every engine process is forced to it, and llama.cpp's
  // tools are built with its flags.
  const variant = resolveBackend().variant;
  const { flags: cmakeFlags, gpu } = variantSpec(variant);
  step(`building llama.cpp's tools for ${variant}`);
  const binDir = await buildLlamaTools(variant);

  step('preparing models');
  const tiny = await ensureTinyModel();
  const big = config.big.model === 'bench' ? await ensureBenchModel(step) : tiny;
  const bert = await ensureBertModel(config.embeddings.model === 'bge-small' ? 'bge-small' : 'tiny');

  const store = new SampleStore();
  const skipped: string[] = [];
  const nodeLlamaCpp = nodeLlamaCppVersion();
  let nodeLlamaCppUsable = nodeLlamaCpp !== null;
  if (!nodeLlamaCppUsable) skipped.push('node-llama-cpp: not installed (add it as a dev dependency of @gpt4all/bench)');
  const base = { threads: config.threads, backend: variant };

  /** Runs a node-llama-cpp job; the first failure turns node-llama-cpp off for the rest of the run. */
  const tryNodeLlamaCpp = async (what: string, run: () => Promise<void>) => {
    if (!nodeLlamaCppUsable) return;
    try {
      await run();
    } catch (error) {
      nodeLlamaCppUsable = false;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n').find((l) => l.trim() && !l.includes('exited with')) ?? 'failed';
      skipped.push(`node-llama-cpp: ${what} failed, skipped from then on (${reason.trim()})`);
      step(`node-llama-cpp failed: ${reason.trim()}`);
    }
  };

  /** pp and tg of every engine on one model, in passes that alternate the engine order. */
  const throughput = async (name: 'big' | 'tiny', model: BenchModel, sizes: { promptTokens: number; generatedTokens: number; repsPerPass: number }) => {
    const pp = randomTokens(model, sizes.promptTokens, 1);
    const tg = randomTokens(model, sizes.generatedTokens, 2);
    const reps = sizes.repsPerPass;
    const engines: Array<Engine | 'llama-bench'> = ['llama-bench', 'ours', 'node-llama-cpp'];
    for (let pass = 0; pass < config.passes; pass++) {
      for (const engine of pass % 2 === 0 ? engines : [...engines].reverse()) {
        const label = `${name} model pp${pp.length}/tg${tg.length}, pass ${pass + 1}/${config.passes}: ${engine}`;
        if (engine === 'llama-bench') {
          step(label);
          const r = await runLlamaBench({ binDir, modelPath: model.path, threads: config.threads, promptTokens: pp.length, generatedTokens: tg.length, reps, gpuLayers: gpu ? 99 : 0 });
          store.add(`${name}.pp.llama`, r.pp.tokensPerSecond);
          store.add(`${name}.tg.llama`, r.tg.tokensPerSecond);
        } else if (engine === 'ours') {
          step(label);
          const r = await runJob<'throughput'>({ kind: 'throughput', engine, modelPath: model.path, ...base, pp: { tokens: pp, reps }, tg: { tokens: tg, reps } }, jobTimeoutMs);
          store.add(`${name}.pp.ours`, r.pp?.tokensPerSecond);
          store.add(`${name}.pp.ours.engine`, r.pp?.engineTokensPerSecond);
          store.add(`${name}.tg.ours`, r.tg?.tokensPerSecond);
          store.add(`${name}.tg.ours.engine`, r.tg?.engineTokensPerSecond);
        } else {
          await tryNodeLlamaCpp(`${name} model throughput`, async () => {
            step(label);
            const r = await runJob<'throughput'>({ kind: 'throughput', engine, modelPath: model.path, ...base, pp: { tokens: pp, reps }, tg: { tokens: tg, reps } }, jobTimeoutMs);
            store.add(`${name}.pp.nlc`, r.pp?.tokensPerSecond);
            store.add(`${name}.tg.nlc`, r.tg?.tokensPerSecond);
          });
        }
      }
      if (name === 'tiny') {
        // Generation through `generate`, greedy and with the full sampler chain, between the same passes.
        step(`tiny model generate, pass ${pass + 1}/${config.passes}: ours`);
        const prompt = randomTokens(model, 16, 3);
        const r = await runJob<'generate'>({ kind: 'generate', engine: 'ours', modelPath: model.path, ...base, prompt, maxTokens: tg.length, reps: config.tiny.generateRepsPerPass }, jobTimeoutMs);
        store.add('tiny.generate.ours', r.greedyTokensPerSecond);
        store.add('sampling.greedy', r.greedyUsPerToken);
        store.add('sampling.full', r.fullChainUsPerToken);
      }
    }
  };

  await throughput('big', big, config.big);
  await throughput('tiny', tiny, config.tiny);

  step(`time to first token, ${config.ttft.promptTokens}-token first turn: ours`);
  const firstTurn = randomTokens(big, config.ttft.promptTokens, 4);
  const followUp = moreRandomTokens(big, config.ttft.followUpTokens, 5);
  const ttft = await runJob<'ttft'>({ kind: 'ttft', engine: 'ours', modelPath: big.path, ...base, firstTurn, followUp, contextSize: config.ttft.contextSize, reps: config.ttft.reps }, jobTimeoutMs);
  store.add('ttft.first', ttft.firstTurnMs);
  store.add('ttft.second', ttft.secondTurnMs);
  store.set('ttft.secondTurnCached', Math.min(...ttft.secondTurnCachedTokens));
  store.set('ttft.secondTurnPrompt', ttft.secondTurnPromptTokens);

  const memoryJob = { kind: 'memory' as const, modelPath: big.path, ...base, ...config.memory, prompt: randomTokens(big, config.memory.promptTokens, 6) };
  for (const engine of ['ours', 'node-llama-cpp'] as const) {
    const key = engine === 'ours' ? 'ours' : 'nlc';
    const measure = async () => {
      step(`load time and peak RSS: ${engine}`);
      const r = await runJob<'memory'>({ ...memoryJob, engine }, jobTimeoutMs);
      store.add(`memory.${key}.loadMs`, r.loadMs);
      store.set(`memory.${key}.baseline`, r.baselineRssBytes);
      store.set(`memory.${key}.peak`, r.peakRssBytes);
    };
    if (engine === 'ours') await measure();
    else await tryNodeLlamaCpp('memory', measure);
  }
  if (canMeasureLlamaMemory()) {
    step('peak RSS: llama-completion');
    const { contextSize, maxTokens } = config.memory;
    store.set('memory.llama.peak', await llamaCompletionPeakRss({ binDir, modelPath: big.path, threads: config.threads, contextSize, maxTokens, gpuLayers: gpu ? 99 : 0 }));
  } else {
    skipped.push("llama.cpp's peak RSS: /usr/bin/time is not installed (Debian: apt-get install time)");
  }

  // `embed` uses every core (it owns its context), so llama-embedding gets the same count.
  const texts = embeddingTexts(config.embeddings.texts, config.embeddings.wordsPerText);
  const embedThreads = availableParallelism();
  step(`embeddings, ${texts.length} texts: ours`);
  const embed = await runJob<'embed'>({ kind: 'embed', engine: 'ours', modelPath: bert.path, threads: embedThreads, backend: variant, texts, reps: config.embeddings.reps }, jobTimeoutMs);
  store.add('embed.ours', embed.ms.map((ms) => perSecond(embed.tokens, ms)));
  store.set('embed.tokens', embed.tokens);
  step(`embeddings, ${texts.length} texts: llama-embedding ×${config.embeddings.reps}`);
  for (let i = 0; i < config.embeddings.reps; i++) {
    const r = await runLlamaEmbedding({ binDir, modelPath: bert.path, threads: embedThreads, contextSize: Math.min(bert.contextLength, 4096), texts });
    if (r.tokens !== embed.tokens) skipped.push(`embeddings: llama-embedding counted ${r.tokens} tokens, @gpt4all/core ${embed.tokens}`);
    store.add('embed.llama', [perSecond(r.tokens, r.ms)]);
  }

  const run: RunContext = {
    config,
    startedAt,
    machine: machineInfo(repoRoot),
    loadAverageBefore,
    variant,
    cmakeFlags,
    llamaCppCommit: llamaCppCommit(),
    nodeLlamaCppVersion: nodeLlamaCpp,
    models: { big, tiny, bert },
    embeddingTexts: texts.length,
    skipped: [...new Set(skipped)],
  };
  const results = buildResults(run, store, loadAverage());
  step(`done in ${results.durationSeconds} s, load average ${results.machine.loadAverageAfter.join(' ')}`);
  return results;
}

/** The installed node-llama-cpp version, or null when it is not installed. */
function nodeLlamaCppVersion(): string | null {
  try {
    // Its exports map hides package.json; it lies next to dist/, where the entry point is.
    const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}
