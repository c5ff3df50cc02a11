// Raw HTTP against the server: every kind of bad input gets an OpenAI-shaped error with the right
// status, a full queue gets 429 with Retry-After, and a client that leaves stops its generation.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf, metricValue, postJson, quietServer, until } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type RunningServer } from './index.js';

let server: RunningServer;
const ids = { chat: '', looper: '' };
const BODY_LIMIT = 64 * 1024;

beforeAll(async () => {
  const chat = await testModelPath('chat');
  const looper = await testModelPath('looper');
  ids.chat = idOf(chat);
  ids.looper = idOf(looper);
  server = await startServer({ ...quietServer, models: [chat, looper], parallel: 1, maxQueue: 1, bodyLimit: BODY_LIMIT, cors: ['http://allowed.example'] });
});
afterAll(() => server?.close());

const chatUrl = () => `${server.url}/v1/chat/completions`;
const ask = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...extra });
const errorShape = { error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'not_found' } };

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('bad input', () => {
  it.each([
    ['malformed JSON', 400, 'invalid_json', null, '{"model": "x", "messages": ['],
    ['an empty body', 400, 'invalid_json', null, ''],
    ['a body that is not an object', 400, 'invalid_type', null, '[1, 2]'],
    ['a missing model', 400, 'missing_required_parameter', 'model', { messages: [{ role: 'user', content: 'Hi' }] }],
    ['missing messages', 400, 'missing_required_parameter', 'messages', { model: 'x' }],
    ['empty messages', 400, 'invalid_value', 'messages', { model: 'x', messages: [] }],
    ['a message without a role', 400, 'missing_required_parameter', 'messages[0].role', { model: 'x', messages: [{ content: 'Hi' }] }],
    ['an unknown role', 400, 'invalid_value', 'messages[0].role', { model: 'x', messages: [{ role: 'wizard', content: 'Hi' }] }],
    ['content of the wrong type', 400, 'invalid_type', 'messages[0].content', { model: 'x', messages: [{ role: 'user', content: 42 }] }],
    ['temperature as a string', 400, 'invalid_type', 'temperature', { ...ask('x'), temperature: '0.5' }],
    ['temperature out of range', 400, 'invalid_value', 'temperature', { ...ask('x'), temperature: 7 }],
    ['max_tokens as a fraction', 400, 'invalid_type', 'max_tokens', { ...ask('x'), max_tokens: 1.5 }],
    ['max_tokens of 0', 400, 'invalid_value', 'max_tokens', { ...ask('x'), max_tokens: 0 }],
    ['stop as a number', 400, 'invalid_type', 'stop', { ...ask('x'), stop: 5 }],
    ['more than 16 stop strings', 400, 'invalid_value', 'stop', { ...ask('x'), stop: Array.from({ length: 17 }, (_, i) => `s${i}`) }],
    ['a stop string that is a number', 400, 'invalid_type', 'stop[1]', { ...ask('x'), stop: ['a', 5] }],
    ['a negative seed', 400, 'invalid_value', 'seed', { ...ask('x'), seed: -1 }],
    ['stream as a string', 400, 'invalid_type', 'stream', { ...ask('x'), stream: 'yes' }],
    ['an unknown response_format', 400, 'invalid_value', 'response_format.type', { ...ask('x'), response_format: { type: 'xml' } }],
    ['a tool without a function', 400, 'missing_required_parameter', 'tools[0].function', { ...ask('x'), tools: [{ type: 'function' }] }],
  ])('%s → %i %s', async (_name, status, code, param, body) => {
    const response = await postJson(chatUrl(), body);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code } });
  });

  it('drops a __proto__ key (prototype poisoning) and serves the rest of the body', async () => {
    const body = `{"model": ${JSON.stringify(ids.chat)}, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2, "__proto__": {"polluted": true}}`;
    const response = await fetch(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('names what it cannot serve: an unknown model (404), n > 1, logprobs, image parts, messages missing what their role needs, stream_options without stream, a conversation ending with the assistant', async () => {
    const unknown = await postJson(chatUrl(), ask('gpt-4o'));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'model_not_found', param: 'model', type: 'invalid_request_error' } } });
    expect(unknown.body.error.message).toContain(ids.chat);
    expect(await postJson(chatUrl(), ask(ids.chat, { n: 3 }))).toMatchObject({ status: 400, body: { error: { code: 'unsupported_parameter', param: 'n' } } });
    expect(await postJson(chatUrl(), ask(ids.chat, { logprobs: true }))).toMatchObject({ status: 400, body: { error: { code: 'unsupported_parameter', param: 'logprobs' } } });
    const image = { model: ids.chat, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:,' } }] }] };
    expect(await postJson(chatUrl(), image)).toMatchObject({ status: 400, body: { error: { code: 'unsupported_content', param: 'messages[0].content[1]' } } });
    const missing = (messages: unknown[]) => postJson(chatUrl(), { model: ids.chat, messages });
    expect(await missing([{ role: 'user', content: null }])).toMatchObject({ status: 400, body: { error: { code: 'missing_required_parameter', param: 'messages[0].content' } } });
    expect(await missing([{ role: 'system' }, { role: 'user', content: 'Hi' }])).toMatchObject({ status: 400, body: { error: { param: 'messages[0].content' } } });
    const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const noCallId = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', content: '1' }];
    expect(await missing(noCallId)).toMatchObject({ status: 400, body: { error: { code: 'missing_required_parameter', param: 'messages[2].tool_call_id' } } });
    expect(await missing([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null }, { role: 'user', content: 'Hi' }])).toMatchObject({ status: 400, body: { error: { param: 'messages[1].content' } } });
    expect(await postJson(chatUrl(), ask(ids.chat, { stream_options: { include_usage: true } }))).toMatchObject({ status: 400, body: { error: { code: 'invalid_value', param: 'stream_options' } } });
    const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
    const cutShort = await postJson(chatUrl(), ask(ids.chat, { tools: [weather], tool_choice: 'required', max_tokens: 2 }));
    expect(cutShort).toMatchObject({ status: 400, body: { error: { code: 'ERR_TOOL_CALL_INVALID', message: expect.stringContaining('maxTokens') } } });
    expect(await postJson(chatUrl(), ask(ids.chat, { max_tokens: 1e308 }))).toMatchObject({ status: 400, body: { error: { code: 'invalid_value', param: 'max_tokens' } } });
    const trailing = { model: ids.chat, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] };
    expect(await postJson(chatUrl(), trailing)).toMatchObject({ status: 400, body: { error: { param: 'messages[1].role' } } });
    expect(await postJson(`${server.url}/v1/completions`, { model: ids.chat, prompt: 'x', echo: true })).toMatchObject({ status: 400, body: { error: { param: 'echo' } } });
    expect(await postJson(`${server.url}/v1/nothing-here`, {})).toMatchObject({ status: 404, body: errorShape });
  });

  it('refuses a prompt over the context with 400 context_length_exceeded and the token numbers', async () => {
    const long = await postJson(chatUrl(), { model: ids.chat, messages: [{ role: 'user', content: 'word '.repeat(2500) }], max_tokens: 100 });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
    expect(long.body.error.message).toMatch(/context holds 2048 tokens, but the request needs \d{4}/);
  });

  it('refuses a body over bodyLimit with 413, and anything but JSON with 415', async () => {
    const big = await postJson(chatUrl(), { model: ids.chat, messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'request_too_large' } } });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await fetch(chatUrl(), { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(ask(ids.chat)) });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
  });

  it('answers only requests addressed to this machine while bound to loopback (DNS rebinding)', async () => {
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${server.url}/v1/models`, { headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        request.on('error', reject).end();
      });
    expect(await get('evil.example')).toBe(403);
    expect(await get(`localhost:${server.port}`)).toBe(200);
    expect(await get(`127.0.0.1:${server.port}`)).toBe(200);
  });

  it('answers CORS only for the allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(chatUrl(), {
        method: 'OPTIONS',
        // What the official SDK sends from a browser: its own headers besides the usual two.
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-stainless-os,x-stainless-retry-count' },
      });
    const allowed = await preflight('http://allowed.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-stainless-retry-count/i);
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admission and disconnects', () => {
  it('runs `parallel` requests, queues `maxQueue` more, refuses the next with 429 and Retry-After; a client that leaves stops its generation', async () => {
    const before = await metrics();
    const running = new AbortController();
    const first = await fetch(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask(ids.looper, { max_tokens: 1000, stream: true, temperature: 0 })), signal: running.signal });
    expect(first.status).toBe(200);
    const reader = first.body!.getReader();
    await reader.read(); // generating now

    // The second waits for the slot: the queue holds one.
    const waiting = new AbortController();
    const second = fetch(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask(ids.looper, { max_tokens: 1000 })), signal: waiting.signal });
    second.catch(() => {});
    await until(async () => metricValue(await metrics(), 'gpt4all_queue_depth', { model: ids.looper }) === 1);

    const third = await postJson(chatUrl(), ask(ids.looper));
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Leaving the queue frees its place at once.
    waiting.abort();
    await until(async () => metricValue(await metrics(), 'gpt4all_queue_depth', { model: ids.looper }) === 0);
    // Leaving the stream stops the generation: it ends as an abort, far short of max_tokens.
    running.abort();
    await until(async () => metricValue(await metrics(), 'gpt4all_generations_total', { model: ids.looper, finish_reason: 'abort' }) === 1);
    const after = await metrics();
    const generated = metricValue(after, 'gpt4all_completion_tokens_total', { model: ids.looper }) - metricValue(before, 'gpt4all_completion_tokens_total', { model: ids.looper });
    expect(generated).toBeGreaterThan(0);
    expect(generated).toBeLessThan(200);
    expect(metricValue(after, 'gpt4all_running_requests', { model: ids.looper })).toBe(0);
    await until(async () => metricValue(await metrics(), 'gpt4all_http_requests_total', { route: '/v1/chat/completions', status: '499' }) >= 1);
  });

  it('stops a non-streamed generation when its client closes the connection', async () => {
    const before = metricValue(await metrics(), 'gpt4all_completion_tokens_total', { model: ids.looper });
    const aborts = metricValue(await metrics(), 'gpt4all_generations_total', { model: ids.looper, finish_reason: 'abort' });
    const body = JSON.stringify(ask(ids.looper, { max_tokens: 1000, temperature: 0 }));
    const request = httpRequest(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    request.on('error', () => {});
    request.end(body);
    await until(async () => metricValue(await metrics(), 'gpt4all_running_requests', { model: ids.looper }) === 1);
    await new Promise((r) => setTimeout(r, 100));
    request.destroy();
    await until(async () => metricValue(await metrics(), 'gpt4all_generations_total', { model: ids.looper, finish_reason: 'abort' }) === aborts + 1);
    const generated = metricValue(await metrics(), 'gpt4all_completion_tokens_total', { model: ids.looper }) - before;
    expect(generated).toBeLessThan(300);
    // The server goes on serving.
    expect((await postJson(chatUrl(), ask(ids.chat))).status).toBe(200);
  });
});
