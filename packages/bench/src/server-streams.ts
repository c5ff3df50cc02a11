// Continuous batching through @gpt4all/server: concurrent streamed `POST /v1/completions`
// requests, run inside an engine process (see worker.ts) that serves the model itself.
import { loadModel } from '@gpt4all/core';
import { concurrentDecodeRate, type StreamTrace } from './decode-window.js';
import type { StreamsJob, StreamsResult } from './jobs.js';
import { warmUpTokens } from './parallel-streams.js';
import { postForEvents } from './sse-request.js';

/** What one streamed completion came to. */
interface StreamOutcome {
  trace: StreamTrace;
  promptTokens: number;
  finishReason: string;
}

/**
 * Starts @gpt4all/server on the model with `parallel` = the streams, and runs
 * `prompts.length - 1` repetitions (after a warm-up round) of one streamed request per prompt,
 * all at once: greedy, `max_tokens` each. The client runs in the server's process, as the
 * harness's engine processes run one thing at a time; its work (a few events per token) is
 * small next to a decode step.
 */
export async function serverParallelStreams(job: StreamsJob): Promise<StreamsResult> {
  const [warmUp, ...rounds] = job.prompts;
  if (!warmUp || rounds.length === 0) throw new Error('a streams job needs a warm-up round and at least one more');
  const texts = await promptTexts(job);
  // Imported here: fastify and the rest would otherwise weigh on every engine process's memory.
  const { startServer } = await import('@gpt4all/server');
  const server = await startServer({ models: [job.modelPath], port: 0, parallel: warmUp.length, threads: job.threads, log: () => {} });
  try {
    const complete = (prompt: string, maxTokens: number) => streamCompletion(server.url, server.models[0]!, prompt, maxTokens);
    await Promise.all(texts[0]!.map((prompt) => complete(prompt, warmUpTokens)));
    const result: StreamsResult = { tokensPerSecond: [], promptTokens: [], completionTokens: [], finishReasons: [] };
    const deadline = performance.now() + job.maxSeconds * 1000;
    for (const [i, prompts] of texts.slice(1).entries()) {
      if (i > 0 && performance.now() >= deadline) break;
      // New prompts every round: the server keeps each sequence's cache, which a repeated prompt would reuse.
      const outcomes = await Promise.all(prompts.map((prompt) => complete(prompt, job.maxTokens)));
      result.tokensPerSecond.push(concurrentDecodeRate(outcomes.map((o) => o.trace)));
      result.promptTokens = outcomes.map((o) => o.promptTokens);
      result.completionTokens = outcomes.map((o) => o.trace.tokens);
      result.finishReasons.push(...outcomes.map((o) => o.finishReason));
    }
    return result;
  } finally {
    await server.close();
  }
}

/**
 * The prompts as text (the API takes text): the tokens after BOS, detokenized; the server adds
 * BOS and tokenizes again, to about as many tokens (`promptTokens` says how many).
 */
async function promptTexts(job: StreamsJob): Promise<string[][]> {
  await using vocabulary = await loadModel(job.modelPath, { backend: job.backend, vocabOnly: true });
  const bos = vocabulary.tokenize('', { addSpecial: true })[0];
  return job.prompts.map((round) => round.map((tokens) => vocabulary.detokenize(tokens[0] === bos ? tokens.slice(1) : tokens)));
}

/** One streamed completion, with the arrival time of each text event and the usage at the end. */
async function streamCompletion(url: string, model: string, prompt: string, maxTokens: number): Promise<StreamOutcome> {
  // Arrival times stay on performance.now()'s clock, which every stream of a round shares.
  const arrivals: number[] = [];
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  let finishReason = 'none';
  let failure: string | undefined;
  const body = { model, prompt, max_tokens: maxTokens, temperature: 0, repeat_penalty: 1, stream: true, stream_options: { include_usage: true } };
  await postForEvents(`${url}/v1/completions`, body, (data, at) => {
    if (data === '[DONE]') return;
    const event = JSON.parse(data) as { error?: { message: string }; usage?: typeof usage; choices?: Array<{ text: string; finish_reason: string | null }> };
    if (event.error) failure = event.error.message;
    if (event.usage) usage = event.usage;
    const choice = event.choices?.[0];
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (choice?.text) arrivals.push(at);
  });
  if (failure !== undefined) throw new Error(`the server failed a stream: ${failure}`);
  if (!usage) throw new Error('the server sent no usage (stream_options.include_usage)');
  return { trace: { arrivals, tokens: usage.completion_tokens }, promptTokens: usage.prompt_tokens, finishReason };
}
