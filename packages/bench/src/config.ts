import { availableParallelism } from 'node:os';

/** Sizes and repetitions of one harness run. */
export interface BenchConfig {
  profile: 'full' | 'smoke';
  /** Which rows to measure: all, or only the batching rows (`--only batching`). */
  rows: 'all' | 'batching';
  /** CPU threads for every engine. Default: every core (2 on the reference machine). */
  threads: number;
  /**
   * Each engine's throughput runs are split into passes with the engine order reversed in every
   * other pass, so a change of load on a shared machine falls on every engine alike.
   */
  passes: number;
  /** The realistic model (TinyLlama's shape, Q4_0); a smoke run uses the tiny model instead. */
  big: { model: 'bench' | 'tiny'; promptTokens: number; generatedTokens: number; repsPerPass: number; maxSeconds: number };
  /** The 4M-parameter model, for per-token fixed costs, and generation through `generate`. */
  tiny: { promptTokens: number; generatedTokens: number; repsPerPass: number; generateRepsPerPass: number; maxSeconds: number };
  /** Time to first token on the big model: a first turn, then a second turn of a few new tokens. */
  ttft: { promptTokens: number; followUpTokens: number; contextSize: number; reps: number };
  /** Decoding held to a 6-property JSON schema, on the big model (issue #14). */
  constrained: { promptTokens: number; maxTokens: number; reps: number; maxSeconds: number };
  /** Load time and peak RSS on the big model. */
  memory: { loads: number; promptTokens: number; maxTokens: number; contextSize: number };
  embeddings: { model: 'bge-small' | 'tiny'; texts: number; wordsPerText: number; reps: number };
  /**
   * Continuous batching on the big model (issue #15): `parallel` greedy streams at once, each a
   * prompt of `promptTokens` random tokens and `generatedTokens` new ones, through one context
   * and through @gpt4all/server, against llama-batched-bench's S_TG; `repsPerPass` in each pass.
   * `contextSize` is the tokens of each sequence: the server's shared context gives each the
   * model's default (2048 on the bench models), so all three run that.
   */
  batching: { parallel: number; promptTokens: number; generatedTokens: number; contextSize: number; repsPerPass: number; maxSeconds: number };
  /** Chat sessions on the big model sharing its context, against a context each: memory (issue #15). */
  sessions: { sessions: number; maxTokens: number };
  /**
   * A shared machine has quiet moments. Before each measurement, wait (at most `maxWaitSeconds`,
   * `totalWaitSeconds` in all) until other processes use fewer than `thresholdCores` cores
   * (sampled over `sampleMs`); measure again, once, a measurement during which they used more than
   * `disturbedCores`, while the run is younger than `repeatUntilSeconds`.
   */
  quiet: { thresholdCores: number; disturbedCores: number; maxWaitSeconds: number; totalWaitSeconds: number; sampleMs: number; repeatUntilSeconds: number };
}

/** The real benchmark: about 14 minutes on 2 cores, most of it the big model. */
export function fullConfig(threads = availableParallelism()): BenchConfig {
  return {
    profile: 'full',
    rows: 'all',
    threads,
    // Three passes: on a shared machine (the reference one is a 2-vCPU VM) neighbours change a
    // median by 5-10% within minutes; a third pass makes a single run's ratios hold within 3%
    // more often than not.
    passes: 3,
    // maxSeconds stops an engine's repetitions early when a busy machine slows it down many times
    // over (after at least one): the run stays within its time budget. Quiet runs never reach it.
    big: { model: 'bench', promptTokens: 512, generatedTokens: 128, repsPerPass: 2, maxSeconds: 90 },
    // A tiny-model repetition takes tens of milliseconds, so one scheduling hiccup moves it by
    // a tenth: many repetitions, cheaply.
    tiny: { promptTokens: 512, generatedTokens: 128, repsPerPass: 40, generateRepsPerPass: 40, maxSeconds: 30 },
    ttft: { promptTokens: 1000, followUpTokens: 20, contextSize: 2048, reps: 2 },
    constrained: { promptTokens: 32, maxTokens: 96, reps: 4, maxSeconds: 60 },
    memory: { loads: 3, promptTokens: 32, maxTokens: 16, contextSize: 2048 },
    // 56 words + CLS + SEP = 58 tokens: 8 texts fill a 512-token batch in both engines.
    embeddings: { model: 'bge-small', texts: 64, wordsPerText: 56, reps: 5 },
    // llama-batched-bench's own example sizes (pp128, tg128) at 4 sequences.
    batching: { parallel: 4, promptTokens: 128, generatedTokens: 128, contextSize: 2048, repsPerPass: 1, maxSeconds: 120 },
    sessions: { sessions: 2, maxTokens: 16 },
    quiet: { thresholdCores: 0.2, disturbedCores: 0.25, maxWaitSeconds: 60, totalWaitSeconds: 240, sampleMs: 1000, repeatUntilSeconds: 1020 },
  };
}

/** Every figure on tiny sizes, in seconds: what the test suite runs so the harness cannot rot. */
export function smokeConfig(threads = Math.min(2, availableParallelism())): BenchConfig {
  return {
    profile: 'smoke',
    rows: 'all',
    threads,
    passes: 1,
    big: { model: 'tiny', promptTokens: 64, generatedTokens: 16, repsPerPass: 2, maxSeconds: 60 },
    tiny: { promptTokens: 64, generatedTokens: 16, repsPerPass: 3, generateRepsPerPass: 2, maxSeconds: 60 },
    ttft: { promptTokens: 200, followUpTokens: 10, contextSize: 512, reps: 1 },
    constrained: { promptTokens: 8, maxTokens: 24, reps: 1, maxSeconds: 10 },
    memory: { loads: 1, promptTokens: 8, maxTokens: 4, contextSize: 512 },
    embeddings: { model: 'tiny', texts: 8, wordsPerText: 20, reps: 2 },
    // Enough tokens that the four streams overlap however the scheduler staggers their prompts.
    batching: { parallel: 4, promptTokens: 16, generatedTokens: 64, contextSize: 2048, repsPerPass: 1, maxSeconds: 10 },
    sessions: { sessions: 2, maxTokens: 4 },
    quiet: { thresholdCores: Infinity, disturbedCores: Infinity, maxWaitSeconds: 0, totalWaitSeconds: 0, sampleMs: 0, repeatUntilSeconds: 0 },
  };
}
