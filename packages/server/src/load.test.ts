// A bounded load test on loopback: 32 concurrent clients × 20 requests against a server in a
// child process, streamed and not, some clients leaving mid-request. No 5xx, no crash, every
// response that was waited for complete, and the server's memory back where it was after warm-up.
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../test/child-server.js';
import { idOf, metricValue, sseData } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';

const CLIENTS = 32;
const REQUESTS_PER_CLIENT = 20;
const DISCONNECT_RATE = 0.1;

let child: ChildServer | undefined;
afterAll(() => child?.stop('SIGKILL'));

/** A small deterministic generator, so that a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Outcome {
  kind: 'complete' | 'aborted' | 'failed';
  status?: number;
  why?: string;
}

async function oneRequest(url: string, model: string, stream: boolean, leaveAfterMs: number | undefined, prompt: string): Promise<Outcome> {
  const controller = new AbortController();
  const timer = leaveAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), leaveAfterMs);
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 8, temperature: 0.7, stream }),
      signal: controller.signal,
    });
    const text = await response.text();
    if (response.status !== 200) return { kind: 'failed', status: response.status, why: text };
    if (!stream) {
      const body = JSON.parse(text);
      const complete = ['stop', 'length'].includes(body.choices?.[0]?.finish_reason) && typeof body.choices[0].message.content === 'string' && body.usage?.completion_tokens >= 0;
      return complete ? { kind: 'complete', status: 200 } : { kind: 'failed', status: 200, why: text };
    }
    const events = sseData(text);
    const finished = events.some((e) => e !== '[DONE]' && ['stop', 'length'].includes(e.choices?.[0]?.finish_reason));
    return events.at(-1) === '[DONE]' && finished ? { kind: 'complete', status: 200 } : { kind: 'failed', status: 200, why: text };
  } catch (error) {
    if (controller.signal.aborted) return { kind: 'aborted' };
    return { kind: 'failed', why: String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function runClients(url: string, model: string, clients: number, requests: number, seed: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const next = random(seed * 1000 + client);
      for (let i = 0; i < requests; i++) {
        const stream = next() < 0.5;
        const leaveAfterMs = next() < DISCONNECT_RATE ? Math.floor(next() * 200) : undefined;
        outcomes.push(await oneRequest(url, model, stream, leaveAfterMs, `Client ${client}, question ${i}: what comes next?`));
      }
    }),
  );
  return outcomes;
}

describe('load', () => {
  it(`serves ${CLIENTS} clients × ${REQUESTS_PER_CLIENT} requests with random disconnects: no 5xx, complete responses, stable memory`, { timeout: 180_000 }, async () => {
    const path = await testModelPath('chat');
    const model = idOf(path);
    child = await startChildServer({ models: [path], port: 0, threads: 1, parallel: 4, maxQueue: 64, quiet: true });

    // Warm-up: half the run again, until V8's heap and the allocator's arenas have grown to their
    // working size (measured: they settle after several hundred requests, then stay flat).
    const warm = await runClients(child.url, model, CLIENTS, REQUESTS_PER_CLIENT / 2, 1);
    expect(warm.filter((o) => o.kind === 'failed')).toEqual([]);
    const rssWarm = child.rssKiB();

    const started = performance.now();
    const outcomes = await runClients(child.url, model, CLIENTS, REQUESTS_PER_CLIENT, 2);
    const seconds = (performance.now() - started) / 1000;
    // Let aborted generations settle before reading memory and metrics.
    await new Promise((r) => setTimeout(r, 500));
    const rssAfter = child.rssKiB();
    const metrics = await (await fetch(`${child.url}/metrics`)).text();

    const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
    const serverErrors = ['500', '502', '503', '504'].reduce((n, status) => n + metricValue(metrics, 'gpt4all_http_requests_total', { status }), 0);
    console.log(
      `load: ${outcomes.length} requests in ${seconds.toFixed(1)} s (${(outcomes.length / seconds).toFixed(1)}/s): ${count('complete')} complete, ${count('aborted')} left by their client, ${count('failed')} failed; ` +
        `server RSS ${(rssWarm / 1024).toFixed(1)} MiB after warm-up, ${(rssAfter / 1024).toFixed(1)} MiB after (${(((rssAfter - rssWarm) / rssWarm) * 100).toFixed(1)}%); ` +
        `generations: ${metricValue(metrics, 'gpt4all_generations_total')} (${metricValue(metrics, 'gpt4all_generations_total', { finish_reason: 'abort' })} aborted)`,
    );

    expect(outcomes).toHaveLength(CLIENTS * REQUESTS_PER_CLIENT);
    expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(count('complete')).toBeGreaterThan(outcomes.length * 0.8);
    expect(child.process.exitCode).toBeNull();
    expect(rssAfter).toBeLessThanOrEqual(rssWarm * 1.1);
    expect(metricValue(metrics, 'gpt4all_running_requests')).toBe(0);
    expect(metricValue(metrics, 'gpt4all_queue_depth')).toBe(0);
    // SIGTERM after the load: close() has nothing in flight and returns at once (no connection
    // the clients kept alive holds it up).
    const stopping = performance.now();
    expect(await child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(performance.now() - stopping).toBeLessThan(10_000);
  });
});
