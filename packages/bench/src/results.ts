// The shape of results/latest.json, and how it is computed from the collected samples.
import { relative } from 'node:path';
import type { BenchConfig } from './config.js';
import { repoRoot } from './llama-tools.js';
import type { ContentionEntry } from './measurement-guard.js';
import type { MachineInfo } from './machine.js';
import type { BenchModel } from './models.js';
import { RPC_WORKERS } from './rpc-spread.js';
import { ratio, summarize, type Summary } from './stats.js';

/** One figure from @gpt4all/core next to the same figure from llama.cpp and node-llama-cpp. */
export interface Comparison {
  ours: Summary;
  /**
   * Ours by the engine's own clock (inside the native call): the gap to `ours` is what the
   * binding costs around each call (a thread hand-off and a callback into JavaScript).
   */
  oursEngineClock: Summary;
  /** llama-bench built for the CPU level (or GPU variant) that ours runs. */
  llamaCpp: Summary;
  /** llama-bench built with GGML_NATIVE=ON; null where not measured (the tiny model, GPU variants). */
  llamaCppNative: Summary | null;
  /** Null when node-llama-cpp is not installed or cannot run here (see `skipped`). */
  nodeLlamaCpp: Summary | null;
  /** ours / llama.cpp, of the medians: the headline, since both ran under the same load. */
  vsLlamaCpp: number;
  vsLlamaCppNative: number | null;
  vsNodeLlamaCpp: number | null;
}

export interface MemoryFigure {
  loadMs: Summary;
  baselineRssBytes: number;
  peakRssBytes: number;
  /** Peak RSS minus the model file's size. */
  aboveFileBytes: number;
}

/** One way of running chat sessions: what its process's memory came to. */
export interface SessionMemory {
  /** RSS once the model was loaded, before any session. */
  loadedRssBytes: number;
  peakRssBytes: number;
  /** RSS after the replies, the sessions and their contexts still alive. */
  settledRssBytes: number;
  /** llama.cpp contexts the process constructed (its `llama_context` log lines). */
  contextsCreated: number;
}

/** A goal of the benchmark issue, checked against this run. */
export interface Target {
  name: string;
  value: number;
  /** The value must be at least this (`atLeast`) or below it (`below`). */
  threshold: number;
  kind: 'atLeast' | 'below';
  met: boolean;
}

export interface BenchResults {
  schema: 1;
  profile: BenchConfig['profile'];
  /** `batching`: only the batching rows were measured (`--only batching`); the other figures are null. */
  rows: BenchConfig['rows'];
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo & { loadAverageBefore: number[]; loadAverageAfter: number[] };
  setup: { threads: number; variant: string; cpuLevel: string | null; cmakeFlags: Record<string, string>; llamaCppCommit: string; nodeLlamaCpp: string | null; passes: number };
  models: Record<'big' | 'tiny' | 'bert', { label: string; path: string; fileBytes: number }>;
  throughput: {
    big: { pp: Comparison; tg: Comparison; promptTokens: number; generatedTokens: number };
    tiny: {
      pp: Comparison;
      tg: Comparison;
      promptTokens: number;
      generatedTokens: number;
      /** tg through `generate` (greedy, sampling and streaming included): the users' path. */
      generate: { ours: Summary; vsLlamaCpp: number };
      /** Time per token that ours adds over llama-bench in tg, in microseconds. */
      overheadUsPerToken: number;
    };
  };
  /**
   * The big model spread over this machine and `workers` RPC workers on loopback (issue #20),
   * against the same model on this machine alone: the ratio is the network's cost. Null when not
   * measured (GPU variants, runs before the row existed).
   */
  rpc?: { workers: number; pp: Summary; tg: Summary; ppVsLocal: number; tgVsLocal: number } | null;
  ttft: { promptTokens: number; secondTurnNewTokens: number; firstTurnMs: Summary; secondTurnMs: Summary; secondTurnCachedTokens: number; ratio: number };
  memory: { fileBytes: number; ours: MemoryFigure; nodeLlamaCpp: MemoryFigure | null; llamaCpp: { peakRssBytes: number; aboveFileBytes: number } | null };
  embeddings: { model: string; texts: number; tokens: number; ours: Summary; llamaCpp: Summary; vsLlamaCpp: number };
  sampling: { tokens: number; greedyUsPerToken: Summary; fullChainUsPerToken: Summary; costUsPerToken: number };
  /** Decoding held to a 6-property JSON schema against the same sampling without it, and the schema's per-request cost. */
  constrained: { held: Summary; free: Summary; ratio: number; schemaToGrammarMs: Summary; setupMs: Summary };
  /**
   * Continuous batching on the big model (issue #15): aggregate decode tokens/s of `parallel`
   * greedy streams at once, while all of them decode (decode-window.ts), against
   * llama-batched-bench's S_TG with as many sequences, the same prompt and generation lengths.
   */
  batching: {
    parallel: number;
    promptTokens: number;
    generatedTokens: number;
    /** Tokens each sequence holds, in all three. */
    contextSize: number;
    /** Mean prompt tokens of the server's streams: their prompts go as text and are tokenized again. */
    serverPromptTokens: number;
    /** llama-batched-bench's S_TG. */
    llamaCpp: Summary;
    /** Concurrent `context.stream()` calls on one context of `parallel` sequences. */
    context: { ours: Summary; vsLlamaCpp: number };
    /** Concurrent streamed `POST /v1/completions` requests to @gpt4all/server. */
    server: { ours: Summary; vsLlamaCpp: number };
  };
  /** Chat sessions on the big model, each sending a message: on the model's one shared context, or a context each. */
  sessions: {
    sessions: number;
    /** Tokens each session's context (or sequence) holds, the same both ways. */
    contextSize: number;
    shared: SessionMemory;
    own: SessionMemory;
    /** What a context each costs over the shared one: peak and settled RSS. */
    peakExtraBytes: number;
    settledExtraBytes: number;
  };
  targets: Target[];
  /** How many cores other processes kept busy before and during each measurement. */
  contention: ContentionEntry[];
  skipped: string[];
}

/** Samples collected during a run, by name (`big.pp.ours`, `tiny.tg.llama`, ...). */
export class SampleStore {
  #samples = new Map<string, number[]>();
  #values = new Map<string, number>();

  add(key: string, samples: number[] | undefined): void {
    if (samples) this.#samples.set(key, [...(this.#samples.get(key) ?? []), ...samples]);
  }

  has(key: string): boolean {
    return this.#samples.has(key);
  }

  summary(key: string): Summary {
    return summarize(this.#samples.get(key) ?? []);
  }

  /** A single measured value (a peak RSS, a token count); NaN when it was not measured. */
  set(key: string, value: number): void {
    this.#values.set(key, value);
  }

  value(key: string): number {
    return this.#values.get(key) ?? NaN;
  }
}

/** What the run knew besides its samples. */
export interface RunContext {
  config: BenchConfig;
  startedAt: Date;
  machine: MachineInfo;
  loadAverageBefore: number[];
  variant: string;
  /** The CPU level ours runs (ggml's name); null on GPU variants' runs without one. */
  cpuLevel: string | null;
  cmakeFlags: Record<string, string>;
  llamaCppCommit: string;
  nodeLlamaCppVersion: string | null;
  models: Record<'big' | 'tiny' | 'bert', BenchModel>;
  embeddingTexts: number;
  contention: BenchResults['contention'];
  skipped: string[];
}

export function buildResults(run: RunContext, store: SampleStore, loadAverageAfter: number[]): BenchResults {
  const { config } = run;
  const compare = (prefix: string): Comparison => {
    const ours = store.summary(`${prefix}.ours`);
    const llamaCpp = store.summary(`${prefix}.llama`);
    const nodeLlamaCpp = store.has(`${prefix}.nlc`) ? store.summary(`${prefix}.nlc`) : null;
    const llamaCppNative = store.has(`${prefix}.llamaNative`) ? store.summary(`${prefix}.llamaNative`) : null;
    return {
      ours,
      oursEngineClock: store.summary(`${prefix}.ours.engine`),
      llamaCpp,
      llamaCppNative,
      nodeLlamaCpp,
      vsLlamaCpp: ratio(ours, llamaCpp),
      vsLlamaCppNative: llamaCppNative ? ratio(ours, llamaCppNative) : null,
      vsNodeLlamaCpp: nodeLlamaCpp ? ratio(ours, nodeLlamaCpp) : null,
    };
  };
  const memory = (engine: string): MemoryFigure | null => {
    if (!store.has(`memory.${engine}.loadMs`)) return null;
    const peakRssBytes = store.value(`memory.${engine}.peak`);
    return { loadMs: store.summary(`memory.${engine}.loadMs`), baselineRssBytes: store.value(`memory.${engine}.baseline`), peakRssBytes, aboveFileBytes: peakRssBytes - run.models.big.fileBytes };
  };
  const tinyTg = compare('tiny.tg');
  const generate = store.summary('tiny.generate.ours');
  const ttftFirst = store.summary('ttft.first');
  const ttftSecond = store.summary('ttft.second');
  const embedOurs = store.summary('embed.ours');
  const embedLlama = store.summary('embed.llama');
  const greedy = store.summary('sampling.greedy');
  const full = store.summary('sampling.full');
  const llamaPeak = store.value('memory.llama.peak');
  const batchedLlama = store.summary('batching.llama');
  const batchedContext = store.summary('batching.context');
  const batchedServer = store.summary('batching.server');
  const sessions = (how: 'shared' | 'own'): SessionMemory => ({
    loadedRssBytes: store.value(`sessions.${how}.loaded`),
    peakRssBytes: store.value(`sessions.${how}.peak`),
    settledRssBytes: store.value(`sessions.${how}.settled`),
    contextsCreated: store.value(`sessions.${how}.contexts`),
  });
  const shared = sessions('shared');
  const own = sessions('own');
  const results: BenchResults = {
    schema: 1,
    profile: config.profile,
    rows: config.rows,
    startedAt: run.startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - run.startedAt.getTime()) / 1000),
    machine: { ...run.machine, loadAverageBefore: run.loadAverageBefore, loadAverageAfter },
    setup: { threads: config.threads, variant: run.variant, cpuLevel: run.cpuLevel, cmakeFlags: run.cmakeFlags, llamaCppCommit: run.llamaCppCommit, nodeLlamaCpp: run.nodeLlamaCppVersion, passes: config.passes },
    models: {
      big: pick(run.models.big),
      tiny: pick(run.models.tiny),
      bert: pick(run.models.bert),
    },
    throughput: {
      big: { pp: compare('big.pp'), tg: compare('big.tg'), promptTokens: config.big.promptTokens, generatedTokens: config.big.generatedTokens },
      tiny: {
        pp: compare('tiny.pp'),
        tg: tinyTg,
        promptTokens: config.tiny.promptTokens,
        generatedTokens: config.tiny.generatedTokens,
        generate: { ours: generate, vsLlamaCpp: ratio(generate, tinyTg.llamaCpp) },
        overheadUsPerToken: 1e6 / tinyTg.ours.median - 1e6 / tinyTg.llamaCpp.median,
      },
    },
    rpc: store.has('big.tg.rpc')
      ? {
          workers: RPC_WORKERS,
          pp: store.summary('big.pp.rpc'),
          tg: store.summary('big.tg.rpc'),
          ppVsLocal: ratio(store.summary('big.pp.rpc'), store.summary('big.pp.ours')),
          tgVsLocal: ratio(store.summary('big.tg.rpc'), store.summary('big.tg.ours')),
        }
      : null,
    ttft: {
      promptTokens: config.ttft.promptTokens,
      secondTurnNewTokens: store.value('ttft.secondTurnPrompt') - store.value('ttft.secondTurnCached'),
      firstTurnMs: ttftFirst,
      secondTurnMs: ttftSecond,
      secondTurnCachedTokens: store.value('ttft.secondTurnCached'),
      ratio: ratio(ttftSecond, ttftFirst),
    },
    memory: {
      fileBytes: run.models.big.fileBytes,
      ours: memory('ours')!,
      nodeLlamaCpp: memory('nlc'),
      llamaCpp: Number.isFinite(llamaPeak) ? { peakRssBytes: llamaPeak, aboveFileBytes: llamaPeak - run.models.big.fileBytes } : null,
    },
    embeddings: { model: run.models.bert.label, texts: run.embeddingTexts, tokens: store.value('embed.tokens'), ours: embedOurs, llamaCpp: embedLlama, vsLlamaCpp: ratio(embedOurs, embedLlama) },
    sampling: { tokens: config.tiny.generatedTokens, greedyUsPerToken: greedy, fullChainUsPerToken: full, costUsPerToken: full.median - greedy.median },
    constrained: {
      held: store.summary('constrained.held'),
      free: store.summary('constrained.free'),
      ratio: ratio(store.summary('constrained.held'), store.summary('constrained.free')),
      schemaToGrammarMs: store.summary('constrained.schemaMs'),
      setupMs: store.summary('constrained.setupMs'),
    },
    batching: {
      parallel: config.batching.parallel,
      promptTokens: config.batching.promptTokens,
      generatedTokens: config.batching.generatedTokens,
      contextSize: config.batching.contextSize,
      serverPromptTokens: store.value('batching.serverPromptTokens'),
      llamaCpp: batchedLlama,
      context: { ours: batchedContext, vsLlamaCpp: ratio(batchedContext, batchedLlama) },
      server: { ours: batchedServer, vsLlamaCpp: ratio(batchedServer, batchedLlama) },
    },
    sessions: {
      sessions: config.sessions.sessions,
      contextSize: store.value('sessions.contextSize'),
      shared,
      own,
      peakExtraBytes: own.peakRssBytes - shared.peakRssBytes,
      settledExtraBytes: own.settledRssBytes - shared.settledRssBytes,
    },
    targets: [],
    contention: run.contention,
    skipped: run.skipped,
  };
  results.targets = targetsOf(results);
  return results;
}

/** The measured targets of the benchmark issue. */
function targetsOf(r: BenchResults): Target[] {
  const { big, tiny } = r.throughput;
  const atLeast = (name: string, value: number, threshold: number): Target => ({ name, value, threshold, kind: 'atLeast', met: value >= threshold });
  const { batching } = r;
  const batched = `${batching.parallel} streams, aggregate tg${batching.generatedTokens}`;
  const batchingTargets = [
    atLeast(`${batched} on one context: ours / llama-batched-bench`, batching.context.vsLlamaCpp, 0.8),
    atLeast(`${batched} through the server: ours / llama-batched-bench`, batching.server.vsLlamaCpp, 0.8),
  ];
  if (r.rows === 'batching') return batchingTargets;
  const targets = [
    atLeast(`pp${big.promptTokens}: ours / llama-bench`, big.pp.vsLlamaCpp, 0.97),
    atLeast(`tg${big.generatedTokens}: ours / llama-bench`, big.tg.vsLlamaCpp, 0.97),
    // What a user's generation costs per token (the decode loop stays native), against llama-bench's decode.
    atLeast(`tiny model tg${tiny.generatedTokens} through generate: ours / llama-bench`, tiny.generate.vsLlamaCpp, 0.9),
    { name: 'second-turn TTFT / first-turn TTFT', value: r.ttft.ratio, threshold: 0.1, kind: 'below' as const, met: r.ttft.ratio < 0.1 },
    atLeast('JSON-schema-constrained decoding / unconstrained (same sampling)', r.constrained.ratio, 0.8),
    ...batchingTargets,
  ];
  for (const [label, c] of [[`pp${big.promptTokens}`, big.pp], [`tg${big.generatedTokens}`, big.tg]] as const) {
    if (c.vsLlamaCppNative !== null) targets.push(atLeast(`${label}: ours / llama-bench GGML_NATIVE=ON`, c.vsLlamaCppNative, 0.97));
  }
  // "Measurably ahead of every peer".
  for (const [label, c] of [[`pp${big.promptTokens}`, big.pp], [`tg${big.generatedTokens}`, big.tg], [`tiny model tg${tiny.generatedTokens}`, tiny.tg]] as const) {
    if (c.vsNodeLlamaCpp !== null) targets.push({ ...atLeast(`${label}: ours / node-llama-cpp`, c.vsNodeLlamaCpp, 1), met: c.vsNodeLlamaCpp > 1 });
  }
  return targets;
}

function pick(model: BenchModel) {
  // Relative to the repository, so a committed copy of the results says nothing about one machine's paths.
  return { label: model.label, path: relative(repoRoot, model.path), fileBytes: model.fileBytes };
}
