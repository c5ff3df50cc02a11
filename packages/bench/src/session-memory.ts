// What two chat sessions on one model cost in memory, sharing the model's context or each with
// a context of its own; run inside an engine process (see worker.ts), one way per process.
import { DEFAULTS, setLogHandler } from '@gpt4all/core';
import type { SessionsJob, SessionsResult } from './jobs.js';

/** The line llama.cpp logs (at info level) each time it constructs a context. */
const contextConstructed = /llama_context: constructing llama_context/;

/**
 * Loads the model through @gpt4all/chat (`parallel` = the sessions), opens `sessions` chat
 * sessions and lets each send `message` at the same time, greedy, `maxTokens` each. `shared`:
 * the sessions take the model's shared context, one sequence each; `own`: each passes the
 * `contextSize` the shared context gives a sequence, which gives it a context of its own. The
 * sessions use the ChatML preset: the bench models have no chat template.
 */
export async function oursSessionMemory(job: SessionsJob): Promise<SessionsResult> {
  let contextsCreated = 0;
  setLogHandler((_level, line) => {
    if (contextConstructed.test(line)) contextsCreated++;
  }, 'info');
  // Imported here, as the server is: the other engine processes need none of it.
  const { loadModel } = await import('@gpt4all/chat');
  await using model = await loadModel(job.modelPath, { threads: job.threads, parallel: job.sessions });
  const loadedRssBytes = process.memoryUsage().rss;
  // The size the shared context gives each sequence (@gpt4all/chat's rule for a model with no catalog entry).
  const contextSize = Math.min(DEFAULTS.contextSize, model.info.contextLength);
  const options = { template: 'chatml', temperature: 0, repeatPenalty: 1, ...(job.contexts === 'own' && { contextSize }) };
  const sessions = Array.from({ length: job.sessions }, () => model.createChatSession(options));
  for (const session of sessions) {
    if (session.contextSize !== contextSize) throw new Error(`a session holds ${session.contextSize} tokens, expected ${contextSize}`);
  }
  const replies = await Promise.all(sessions.map((session) => session.send(job.message, { maxTokens: job.maxTokens })));
  const settledRssBytes = process.memoryUsage().rss;
  setLogHandler(null);
  return {
    contextSize,
    loadedRssBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    settledRssBytes,
    contextsCreated,
    completionTokens: replies.map((r) => r.usage.completionTokens),
  };
}
