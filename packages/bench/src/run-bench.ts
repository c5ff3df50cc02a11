// The harness: builds what it needs, then runs every engine on the same files and thread count,
// one process at a time, and reduces the samples to results (results.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { backendInfo, variantsFor } from '@gpt4all/core';
import { measureBatchedDecoding, measureSessionMemory } from './batching.js';
import type { BenchConfig } from './config.js';
import { embeddingTexts } from './embedding-texts.js';
import type { Engine, ThroughputJob } from './jobs.js';
import { runLlamaBench } from './llama-bench.js';
import { runLlamaEmbedding } from './llama-embedding.js';
import { canMeasureLlamaMemory, llamaCompletionPeakRss } from './llama-memory.js';
import { buildLlamaTools, llamaCppCommit, repoRoot } from './llama-tools.js';
import { loadAverage, machineInfo } from './machine.js';
import { MeasurementGuard } from './measurement-guard.js';
import { ensureBenchModel, ensureBertModel, ensureTinyModel, type BenchModel } from './models.js';
import { moreRandomTokens, randomTokens } from './random-tokens.js';
import { buildResults, SampleStore, type BenchResults } from './results.js';
import { measureRpcSpread } from './rpc-spread.js';
import { runJob } from './run-process.js';
import { perSecond } from './stats.js';

const jobTimeoutMs = 15 * 60_000;

/** Runs the benchmark described by `config`; `log` receives progress lines. */
export async function runBench(config: BenchConfig, log: (line: string) => void): Promise<BenchResults> {
  const startedAt = new Date();
  const step = (line: string) => log(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const loadAverageBefore = loadAverage();
  step(`load average ${loadAverageBefore.join(' ')} on ${availableParallelism()} cores`);

  // The variant and CPU level @gpt4all/core picks here; every engine process is forced to the
  // variant, and llama.cpp's tools are built for the same CPU level (or GPU variant).
  const info = backendInfo();
  const variant = info.variant;
  const gpu = Boolean(variantsFor().find(([name]) => name === variant)?.[1].gpu);
  const gpuLayers = gpu ? 99 : 0;
  const reference = gpu ? { variant } : { cpuLevel: info.cpu!.level };
  step(`building llama.cpp's tools for ${'variant' in reference ? variant : `CPU level ${reference.cpuLevel}`}`);
  const { binDir, flags: cmakeFlags } = await buildLlamaTools(reference);
  // And llama.cpp compiled for this very CPU: the bar for the big model on CPU variants. A smoke
  // run, which only keeps the harness working, stands the level's build in for it: building
  // llama.cpp once more takes minutes of the test suite's time and proves nothing about figures.
  const nativeStandIn = config.profile === 'smoke';
  step(gpu ? 'no GGML_NATIVE=ON reference on a GPU variant' : nativeStandIn ? "smoke run: the level's tools stand in for GGML_NATIVE=ON" : "building llama.cpp's tools with GGML_NATIVE=ON");
  const nativeBinDir = gpu ? null : nativeStandIn ? binDir : (await buildLlamaTools('native')).binDir;

  step('preparing models');
  const tiny = await ensureTinyModel();
  const big = config.big.model === 'bench' ? await ensureBenchModel(step) : tiny;
  const bert = await ensureBertModel(config.embeddings.model === 'bge-small' ? 'bge-small' : 'tiny');

  const store = new SampleStore();
  const guard = new MeasurementGuard(config.quiet, startedAt, step);
  const skipped: string[] = [];
  const nodeLlamaCpp = nodeLlamaCppVersion();
  let nodeLlamaCppUsable = nodeLlamaCpp !== null;
  if (!nodeLlamaCppUsable) skipped.push('node-llama-cpp: not installed (add it as a dev dependency of @gpt4all/bench)');
  const base = { threads: config.threads, backend: variant };

  /** Runs a node-llama-cpp measurement; the first failure turns node-llama-cpp off for the rest of the run. */
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
  const throughput = async (name: 'big' | 'tiny', model: BenchModel, sizes: BenchConfig['big'] | BenchConfig['tiny']) => {
    const pp = randomTokens(model, sizes.promptTokens, 1);
    const tg = randomTokens(model, sizes.generatedTokens, 2);
    const reps = sizes.repsPerPass;
    const job = (engine: Engine): ThroughputJob => ({ kind: 'throughput', engine, modelPath: model.path, ...base, pp: { tokens: pp, reps }, tg: { tokens: tg, reps }, maxSeconds: sizes.maxSeconds });
    const engines: Array<Engine | 'llama-bench' | 'llama-bench-native'> = ['llama-bench', ...(name === 'big' && nativeBinDir ? ['llama-bench-native' as const] : []), 'ours', 'node-llama-cpp'];
    for (let pass = 0; pass < config.passes; pass++) {
      for (const engine of pass % 2 === 0 ? engines : [...engines].reverse()) {
        const label = `${name} model pp${pp.length}/tg${tg.length}, pass ${pass + 1}/${config.passes}: ${engine}`;
        if (engine === 'llama-bench' || engine === 'llama-bench-native') {
          const key = engine === 'llama-bench' ? 'llama' : 'llamaNative';
          const options = { binDir: engine === 'llama-bench' ? binDir : nativeBinDir!, modelPath: model.path, threads: config.threads, promptTokens: pp.length, generatedTokens: tg.length, reps, gpuLayers };
          const r = await guard.run(label, () => runLlamaBench(options));
          store.add(`${name}.pp.${key}`, r.pp.tokensPerSecond);
          store.add(`${name}.tg.${key}`, r.tg.tokensPerSecond);
        } else if (engine === 'ours') {
          const r = await guard.run(label, () => runJob<'throughput'>(job(engine), jobTimeoutMs));
          store.add(`${name}.pp.ours`, r.pp?.tokensPerSecond);
          store.add(`${name}.pp.ours.engine`, r.pp?.engineTokensPerSecond);
          store.add(`${name}.tg.ours`, r.tg?.tokensPerSecond);
          store.add(`${name}.tg.ours.engine`, r.tg?.engineTokensPerSecond);
        } else {
          await tryNodeLlamaCpp(`${name} model throughput`, async () => {
            const r = await guard.run(label, () => runJob<'throughput'>(job(engine), jobTimeoutMs));
            store.add(`${name}.pp.nlc`, r.pp?.tokensPerSecond);
            store.add(`${name}.tg.nlc`, r.tg?.tokensPerSecond);
          });
        }
      }
      if (name === 'tiny') {
        // Generation through `generate`, greedy and with the full sampler chain, between the same passes.
        const prompt = randomTokens(model, 16, 3);
        const generate = { kind: 'generate' as const, engine: 'ours' as const, modelPath: model.path, ...base, prompt, maxTokens: tg.length, reps: config.tiny.generateRepsPerPass, maxSeconds: sizes.maxSeconds };
        const r = await guard.run(`tiny model generate, pass ${pass + 1}/${config.passes}: ours`, () => runJob<'generate'>(generate, jobTimeoutMs));
        store.add('tiny.generate.ours', r.greedyTokensPerSecond);
        store.add('sampling.greedy', r.greedyUsPerToken);
        store.add('sampling.full', r.fullChainUsPerToken);
      }
    }
  };

  const all = config.rows === 'all';
  if (all) {
    await throughput('big', big, config.big);
    await throughput('tiny', tiny, config.tiny);
    // The same pp and tg jobs as ours above, with the layers spread over RPC workers.
    const spreadJob: ThroughputJob = {
      kind: 'throughput',
      engine: 'ours',
      modelPath: big.path,
      ...base,
      pp: { tokens: randomTokens(big, config.big.promptTokens, 1), reps: config.big.repsPerPass },
      tg: { tokens: randomTokens(big, config.big.generatedTokens, 2), reps: config.big.repsPerPass },
      maxSeconds: config.big.maxSeconds,
    };
    if (gpu) skipped.push('RPC spread: measured on CPU variants only (a GPU host would also move its share to its GPU)');
    else await measureRpcSpread({ job: spreadJob, passes: config.passes, guard, store, timeoutMs: jobTimeoutMs });
  }

  const batching = { config, model: big, binDir, gpuLayers, backend: variant, guard, store, skipped, jobTimeoutMs };
  await measureBatchedDecoding(batching);
  await measureSessionMemory(batching);

  const texts = embeddingTexts(config.embeddings.texts, config.embeddings.wordsPerText);
  if (all) {
    const firstTurn = randomTokens(big, config.ttft.promptTokens, 4);
    const followUp = moreRandomTokens(big, config.ttft.followUpTokens, 5);
    const ttftJob = { kind: 'ttft' as const, engine: 'ours' as const, modelPath: big.path, ...base, firstTurn, followUp, contextSize: config.ttft.contextSize, reps: config.ttft.reps };
    const ttft = await guard.run(`time to first token, ${config.ttft.promptTokens}-token first turn: ours`, () => runJob<'ttft'>(ttftJob, jobTimeoutMs));
    store.add('ttft.first', ttft.firstTurnMs);
    store.add('ttft.second', ttft.secondTurnMs);
    store.set('ttft.secondTurnCached', Math.min(...ttft.secondTurnCachedTokens));
    store.set('ttft.secondTurnPrompt', ttft.secondTurnPromptTokens);

    const constrainedJob = {
      kind: 'constrained' as const,
      engine: 'ours' as const,
      modelPath: big.path,
      ...base,
      prompt: randomTokens(big, config.constrained.promptTokens, 7),
      maxTokens: config.constrained.maxTokens,
      reps: config.constrained.reps,
      maxSeconds: config.constrained.maxSeconds,
    };
    const constrained = await guard.run(`JSON-schema-constrained decoding (6 properties): ours`, () => runJob<'constrained'>(constrainedJob, jobTimeoutMs));
    store.add('constrained.held', constrained.constrainedTokensPerSecond);
    store.add('constrained.free', constrained.unconstrainedTokensPerSecond);
    store.add('constrained.schemaMs', constrained.schemaToGrammarMs);
    store.add('constrained.setupMs', constrained.setupMs);

    const memoryJob = { kind: 'memory' as const, modelPath: big.path, ...base, ...config.memory, prompt: randomTokens(big, config.memory.promptTokens, 6) };
    for (const engine of ['ours', 'node-llama-cpp'] as const) {
      const key = engine === 'ours' ? 'ours' : 'nlc';
      const measure = async () => {
        const r = await guard.run(`load time and peak RSS: ${engine}`, () => runJob<'memory'>({ ...memoryJob, engine }, jobTimeoutMs));
        store.add(`memory.${key}.loadMs`, r.loadMs);
        store.set(`memory.${key}.baseline`, r.baselineRssBytes);
        store.set(`memory.${key}.peak`, r.peakRssBytes);
      };
      if (engine === 'ours') await measure();
      else await tryNodeLlamaCpp('memory', measure);
    }
    if (canMeasureLlamaMemory()) {
      const options = { binDir, modelPath: big.path, threads: config.threads, contextSize: config.memory.contextSize, maxTokens: config.memory.maxTokens, gpuLayers };
      store.set('memory.llama.peak', await guard.run('peak RSS: llama-completion', () => llamaCompletionPeakRss(options)));
    } else {
      skipped.push("llama.cpp's peak RSS: /usr/bin/time is not installed (Debian: apt-get install time)");
    }

    // `embed` uses every core (it owns its context), so llama-embedding gets the same count.
    const embedThreads = availableParallelism();
    const embedJob = { kind: 'embed' as const, engine: 'ours' as const, modelPath: bert.path, threads: embedThreads, backend: variant, texts, reps: config.embeddings.reps };
    const embed = await guard.run(`embeddings, ${texts.length} texts: ours`, () => runJob<'embed'>(embedJob, jobTimeoutMs));
    store.add('embed.ours', embed.ms.map((ms) => perSecond(embed.tokens, ms)));
    store.set('embed.tokens', embed.tokens);
    const embedOptions = { binDir, modelPath: bert.path, threads: embedThreads, contextSize: Math.min(bert.contextLength, 4096), texts };
    const llamaEmbeddings = await guard.run(`embeddings, ${texts.length} texts: llama-embedding ×${config.embeddings.reps}`, async () => {
      const runs = [];
      for (let i = 0; i < config.embeddings.reps; i++) runs.push(await runLlamaEmbedding(embedOptions));
      return runs;
    });
    for (const r of llamaEmbeddings) {
      if (r.tokens !== embed.tokens) skipped.push(`embeddings: llama-embedding counted ${r.tokens} tokens, @gpt4all/core ${embed.tokens}`);
      store.add('embed.llama', [perSecond(r.tokens, r.ms)]);
    }
  }

  const results = buildResults(
    {
      config,
      startedAt,
      machine: machineInfo(repoRoot),
      loadAverageBefore,
      variant,
      cpuLevel: info.cpu?.level ?? null,
      cmakeFlags,
      llamaCppCommit: llamaCppCommit(),
      nodeLlamaCppVersion: nodeLlamaCpp,
      models: { big, tiny, bert },
      embeddingTexts: texts.length,
      contention: guard.entries,
      skipped: [...new Set(skipped)],
    },
    store,
    loadAverage(),
  );
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
