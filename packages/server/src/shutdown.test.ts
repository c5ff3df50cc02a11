// Closing: SIGTERM on a server process (as the CLI handles it) lets the generation in flight finish
// and exits 0; a generation still running when the grace period ends is stopped and told so.
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../test/child-server.js';
import { idOf, metricValue, postJson, quietServer, sseData, until } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer } from './index.js';

let child: ChildServer | undefined;
afterAll(() => child?.stop('SIGKILL'));

const streamRequest = (url: string, model: string, maxTokens: number) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Go' }], max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } }),
  });

/** The rest of a stream after its first chunk, as text. */
async function firstChunkThenRest(response: Response): Promise<{ rest: Promise<string> }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value, { stream: true });
  const rest = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { rest };
}

describe('SIGTERM', () => {
  it('finishes the generation in flight, refuses new work, and exits 0', async () => {
    const looper = await testModelPath('looper');
    child = await startChildServer({ models: [looper], port: 0, threads: 1 });
    const response = await streamRequest(child.url, idOf(looper), 300);
    expect(response.status).toBe(200);
    const { rest } = await firstChunkThenRest(response);

    const signalledAt = Date.now();
    const exited = child.stop('SIGTERM');
    // New work is refused while the stream goes on: the port is closed, or a kept-alive
    // connection gets 503.
    await new Promise((r) => setTimeout(r, 100));
    const late = await fetch(`${child.url}/v1/models`).then(
      (response) => response.status,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect([503, 'ECONNREFUSED']).toContain(late);

    const events = sseData(await rest);
    expect(events.at(-1)).toBe('[DONE]');
    const finish = events.find((e) => e !== '[DONE]' && e.choices[0]?.finish_reason);
    expect(finish).toMatchObject({ choices: [{ finish_reason: 'length' }] });
    expect(events.at(-2)).toMatchObject({ usage: { completion_tokens: 300 } });
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(child.stderr()).toMatch(/POST \/v1\/chat\/completions 200/);
  });
});

describe('close() grace period', () => {
  it('stops generations still running when it ends: a stream gets an error event, a waiting request 503', async () => {
    const looper = await testModelPath('looper');
    // One sequence: the second request waits in the server's queue.
    const server = await startServer({ ...quietServer, models: [looper], parallel: 1, closeGraceMs: 300 });
    const response = await streamRequest(server.url, idOf(looper), 1000);
    const { rest } = await firstChunkThenRest(response);
    const waiting = postJson(`${server.url}/v1/chat/completions`, { model: idOf(looper), messages: [{ role: 'user', content: 'Go' }], max_tokens: 1000 });
    await until(async () => metricValue(await (await fetch(`${server.url}/metrics`)).text(), 'gpt4all_queue_depth', { model: idOf(looper) }) === 1);

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(3000);

    const events = sseData(await rest);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.at(-2)).toMatchObject({ error: { code: 'server_shutting_down', type: 'server_error' } });
    expect(await waiting).toMatchObject({ status: 503, body: { error: { code: 'server_shutting_down' } } });
  });
});
