import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from './run-process.js';

/** GNU time reports a child's peak RSS; Node.js cannot read another process's rusage. */
const gnuTime = '/usr/bin/time';

/** Whether llama.cpp's own peak RSS can be measured here (Debian's `time` package). */
export function canMeasureLlamaMemory(): boolean {
  return existsSync(gnuTime);
}

/**
 * Peak RSS of llama-completion doing what the memory job does through @gpt4all/core: load with
 * mmap, create a context of `contextSize` and generate `maxTokens` greedily. The reference for
 * what the binding adds on top of llama.cpp.
 */
export async function llamaCompletionPeakRss(options: { binDir: string; modelPath: string; threads: number; contextSize: number; maxTokens: number; gpuLayers: number }): Promise<number> {
  const prompt = 'The first school in the city was known for its national university, which was used by many of the students who came later.';
  const args = ['-f', '%M', join(options.binDir, 'llama-completion'), '-m', options.modelPath, '-c', String(options.contextSize), '-n', String(options.maxTokens)];
  args.push('-t', String(options.threads), '-ngl', String(options.gpuLayers), '-p', prompt, '--temp', '0', '-no-cnv', '--no-display-prompt', '--simple-io', '--no-warmup');
  const { stderr } = await runProcess(gnuTime, args, { timeoutMs: 10 * 60_000 });
  const kilobytes = Number(stderr.trim().split('\n').pop());
  if (!Number.isFinite(kilobytes)) throw new Error('GNU time printed no peak RSS');
  return kilobytes * 1024;
}
