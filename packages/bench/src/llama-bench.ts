import { join } from 'node:path';
import type { Rates } from './jobs.js';
import { runProcess } from './run-process.js';

/** One llama-bench invocation: pp and tg tests on one model. */
export interface LlamaBenchOptions {
  binDir: string;
  modelPath: string;
  threads: number;
  promptTokens: number;
  generatedTokens: number;
  reps: number;
  /** 0 on CPU variants; every layer on GPU ones, as @gpt4all/core does by default. */
  gpuLayers: number;
}

/** The part of one entry of `llama-bench -o json` the harness reads. */
interface LlamaBenchEntry {
  n_prompt: number;
  n_gen: number;
  n_threads: number;
  samples_ts: number[];
}

/**
 * Runs llama-bench (`-p N -n M -r R -o json`) and returns the tokens/s of every repetition of
 * its pp and tg tests. It warms up before each test and clears the KV cache between repetitions.
 */
export async function runLlamaBench(options: LlamaBenchOptions): Promise<{ pp: Rates; tg: Rates }> {
  const args = ['-m', options.modelPath, '-t', String(options.threads), '-p', String(options.promptTokens), '-n', String(options.generatedTokens)];
  args.push('-r', String(options.reps), '-ngl', String(options.gpuLayers), '-o', 'json');
  const { stdout } = await runProcess(join(options.binDir, 'llama-bench'), args, { timeoutMs: 20 * 60_000 });
  const entries = JSON.parse(stdout) as LlamaBenchEntry[];
  const find = (kind: 'pp' | 'tg') => {
    const entry = entries.find((e) => (kind === 'pp' ? e.n_prompt > 0 && e.n_gen === 0 : e.n_gen > 0 && e.n_prompt === 0));
    if (!entry) throw new Error(`llama-bench printed no ${kind} test`);
    if (entry.n_threads !== options.threads) throw new Error(`llama-bench ran ${entry.n_threads} threads, not ${options.threads}`);
    return { tokensPerSecond: entry.samples_ts };
  };
  return { pp: find('pp'), tg: find('tg') };
}
