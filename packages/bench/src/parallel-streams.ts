// Continuous batching through @gpt4all/core: concurrent `stream()` calls on one context of as
// many sequences, run inside an engine process (see worker.ts).
import { loadModel, type Context, type GenerateOptions, type Model } from '@gpt4all/core';
import { concurrentDecodeRate, type StreamTrace } from './decode-window.js';
import type { StreamsJob, StreamsResult } from './jobs.js';

/** Tokens the warm-up round generates per stream: enough to page the weights in and start every thread. */
export const warmUpTokens = 4;

/**
 * Runs `prompts.length - 1` repetitions (after a warm-up round) of one concurrent `stream()` call
 * per prompt on a context of that many sequences: greedy, `maxTokens` each, every
 * end-of-generation token banned, so each stream runs its full length as llama-batched-bench's do.
 */
export async function oursParallelStreams(job: StreamsJob): Promise<StreamsResult> {
  const [warmUp, ...rounds] = job.prompts;
  if (!warmUp || rounds.length === 0) throw new Error('a streams job needs a warm-up round and at least one more');
  await using model = await loadModel(job.modelPath, { backend: job.backend, useMmap: true });
  await using context = await model.createContext({ contextSize: job.contextSize, threads: job.threads, parallel: warmUp.length });
  const options = { temperature: 0, repeatPenalty: 1, logitBias: banEndOfGeneration(model) };
  await runRound(context, warmUp, { ...options, maxTokens: warmUpTokens });
  const result: StreamsResult = { tokensPerSecond: [], promptTokens: [], completionTokens: [], finishReasons: [] };
  const deadline = performance.now() + job.maxSeconds * 1000;
  for (const [i, prompts] of rounds.entries()) {
    if (i > 0 && performance.now() >= deadline) break;
    // Each repetition starts from empty sequences, as llama-batched-bench clears its KV cache.
    await context.clear();
    const { traces, results } = await runRound(context, prompts, { ...options, maxTokens: job.maxTokens });
    result.tokensPerSecond.push(concurrentDecodeRate(traces));
    result.promptTokens = results.map((r) => r.promptTokens);
    result.completionTokens = results.map((r) => r.completionTokens);
    result.finishReasons.push(...results.map((r) => r.finishReason));
  }
  return result;
}

/** Starts one stream per prompt at once, and records when each token reaches JavaScript. */
async function runRound(context: Context, prompts: number[][], options: GenerateOptions) {
  const started = performance.now();
  const runs = prompts.map(async (prompt) => {
    const stream = context.stream(prompt, options);
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      // A last chunk of held-back text has token -1 and is no token of its own.
      if (chunk.token >= 0) arrivals.push(performance.now() - started);
    }
    const result = await stream.result;
    return { trace: { arrivals, tokens: arrivals.length } satisfies StreamTrace, result };
  });
  const done = await Promise.all(runs);
  return { traces: done.map((d) => d.trace), results: done.map((d) => d.result) };
}

/** Bans the vocabulary's end-of-generation tokens (EOS, EOT, ...), which are among its control tokens. */
function banEndOfGeneration(model: Model): Record<number, number> {
  const banned: Record<number, number> = {};
  for (const { id } of model.controlTokens()) if (model.isEndOfGeneration(id)) banned[id] = -Infinity;
  return banned;
}
