import { join } from 'node:path';
import { runProcess } from './run-process.js';

/** One timed llama-embedding run: its decode time and the tokens it embedded. */
export interface LlamaEmbeddingRun {
  ms: number;
  tokens: number;
}

/**
 * Embeds `texts` (one sequence each) with llama.cpp's llama-embedding and returns the time its
 * own perf counters give for evaluation: model loading, tokenisation and printing are left out,
 * which favours llama.cpp a little. The context, batch and micro-batch are all `contextSize`, as
 * in @gpt4all/core's embedding context, so both pack the same sequences into each batch.
 */
export async function runLlamaEmbedding(options: { binDir: string; modelPath: string; threads: number; contextSize: number; texts: string[] }): Promise<LlamaEmbeddingRun> {
  const size = String(options.contextSize);
  const args = ['-m', options.modelPath, '-t', String(options.threads), '-c', size, '-b', size, '-ub', size];
  // `-lv 4` prints llama.cpp's INFO lines (the perf summary) without the debug lines that slow it down.
  args.push('-p', options.texts.join('\n'), '--embd-output-format', 'array', '--perf', '-lv', '4');
  // One CI run got no perf line from a run that exited cleanly (not reproduced; llama.cpp's tools
  // log through a background thread): such a run is run again, twice at most, and a third miss
  // shows what the tool printed.
  let output = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { stdout, stderr } = await runProcess(join(options.binDir, 'llama-embedding'), args, { timeoutMs: 10 * 60_000 });
    output = `${stderr}\n${stdout}`;
    const match = /prompt eval time =\s*([\d.]+) ms \/\s*(\d+) tokens/.exec(output);
    if (match) return { ms: Number(match[1]), tokens: Number(match[2]) };
  }
  throw new Error(`llama-embedding printed no prompt eval time in 3 runs; the last ended with:\n${output.split('\n').slice(-15).join('\n')}`);
}
