import { join } from 'node:path';
import { runProcess } from './run-process.js';

/** One llama-batched-bench invocation: `parallel` sequences, each with a prompt of its own. */
export interface LlamaBatchedBenchOptions {
  binDir: string;
  modelPath: string;
  threads: number;
  /** Sequences decoded together (`-npl`). */
  parallel: number;
  /** Tokens each sequence holds: the context is `parallel × contextSize` (`-c`), split evenly as @gpt4all/core splits it. */
  contextSize: number;
  promptTokens: number;
  generatedTokens: number;
  /** Repetitions, in one process (`-npl` lists the count this many times). */
  reps: number;
  gpuLayers: number;
}

/** The part of one line of `--output-format jsonl` the harness reads. */
interface BatchedBenchEntry {
  pl: number;
  pp: number;
  tg: number;
  n_threads: number;
  /** Text generation with `pl` sequences: `pl × tg / t_tg`, tokens/s (the table's S_TG). */
  speed_tg: number;
}

/**
 * Runs llama-batched-bench (`-npp P -ntg G -npl N[,N...] -c N×C -b 2048 -ub 512`, prompts not
 * shared) and returns S_TG of every repetition, in tokens/s: it evaluates the N prompts of random
 * tokens, then decodes G steps of one random token per sequence, all N in one batch each step, and
 * divides N × G by the time of those steps. It warms up once; each repetition clears the KV cache.
 */
export async function runLlamaBatchedBench(options: LlamaBatchedBenchOptions): Promise<number[]> {
  const args = ['-m', options.modelPath, '-t', String(options.threads), '-c', String(options.parallel * options.contextSize), '-b', '2048', '-ub', '512'];
  args.push('-npp', String(options.promptTokens), '-ntg', String(options.generatedTokens), '-npl', Array(options.reps).fill(options.parallel).join(','));
  args.push('-ngl', String(options.gpuLayers), '--output-format', 'jsonl');
  const { stdout } = await runProcess(join(options.binDir, 'llama-batched-bench'), args, { timeoutMs: 20 * 60_000 });
  const entries = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as BatchedBenchEntry);
  if (entries.length !== options.reps) throw new Error(`llama-batched-bench printed ${entries.length} results, expected ${options.reps}`);
  for (const e of entries) {
    if (e.n_threads !== options.threads) throw new Error(`llama-batched-bench ran ${e.n_threads} threads, not ${options.threads}`);
    if (e.pl !== options.parallel || e.pp !== options.promptTokens || e.tg !== options.generatedTokens) throw new Error(`llama-batched-bench ran pp${e.pp}/tg${e.tg} on ${e.pl} sequences`);
  }
  return entries.map((e) => e.speed_tg);
}
