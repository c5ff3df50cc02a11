// The /v1/chat/completions extensions the web app uses: `chat_template` (a Jinja template in
// place of the model's, for one request; 400 when broken) and llama-server's `timings`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf, postJson, quietServer, sseData } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type CompletionTimings, type RunningServer } from './index.js';

let server: RunningServer;
let model: string;

beforeAll(async () => {
  const chat = await testModelPath('chat');
  model = idOf(chat);
  server = await startServer({ ...quietServer, models: [chat] });
});
afterAll(() => server?.close());

const request = (more: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Tell me about the weather in Paris today, please.' }], max_tokens: 4, temperature: 0, ...more });
const chat = (more?: Record<string, unknown>) => postJson(`${server.url}/v1/chat/completions`, request(more));

const timingsShape: Record<keyof CompletionTimings, unknown> = {
  prompt_n: expect.any(Number),
  prompt_ms: expect.any(Number),
  predicted_n: expect.any(Number),
  predicted_ms: expect.any(Number),
  predicted_per_second: expect.any(Number),
  cache_n: expect.any(Number),
};

describe('chat_template', () => {
  it('renders the prompt with the given template instead of the model’s', async () => {
    const own = await chat();
    expect(own.status).toBe(200);
    // Any text is Jinja here, a bare word too (not a preset name).
    const fixed = await chat({ chat_template: 'Hi' });
    expect(fixed.status).toBe(200);
    expect(fixed.body.usage.prompt_tokens).toBeLessThan(own.body.usage.prompt_tokens);
    const messages = await chat({ chat_template: "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{{ 'extra words at the end of the prompt' }}" });
    expect(messages.status).toBe(200);
    expect(messages.body.usage.prompt_tokens).not.toBe(own.body.usage.prompt_tokens);
  });

  it('answers 400 naming chat_template for a template that does not parse or raises, streamed or not', async () => {
    for (const stream of [false, true]) {
      const broken = await chat({ chat_template: '{% if %}', stream });
      expect(broken.status).toBe(400);
      expect(broken.body.error).toMatchObject({ param: 'chat_template', code: 'ERR_TEMPLATE_SYNTAX', message: expect.stringMatching(/^Invalid chat_template: /) });
      const raising = await chat({ chat_template: "{{ raise_exception('no system messages') }}", stream });
      expect(raising.status).toBe(400);
      expect(raising.body.error).toMatchObject({ param: 'chat_template', message: expect.stringContaining('no system messages') });
    }
    expect((await chat({ chat_template: 42 })).body.error).toMatchObject({ param: 'chat_template', code: 'invalid_type' });
  });
});

describe('timings', () => {
  it('come with a reply, and with a stream’s last chunks (with finish_reason, and usage)', async () => {
    const reply = await chat();
    expect(reply.body.timings).toEqual(timingsShape);
    expect(reply.body.timings.predicted_n).toBe(reply.body.usage.completion_tokens);
    expect(reply.body.timings.prompt_n + reply.body.timings.cache_n).toBe(reply.body.usage.prompt_tokens);

    const streamed = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request({ stream: true, stream_options: { include_usage: true } })) });
    const chunks = sseData(await streamed.text()).filter((c): c is Record<string, any> => c !== '[DONE]');
    const last = chunks.findIndex((c) => c.choices[0]?.finish_reason);
    expect(chunks[last]!.timings).toEqual(timingsShape);
    expect(chunks.at(-1)!.usage).toBeDefined();
    expect(chunks.at(-1)!.timings).toEqual(chunks[last]!.timings);
    // The same prompt again comes from the KV cache.
    expect(chunks.at(-1)!.timings.cache_n).toBeGreaterThan(0);
    expect(chunks.slice(0, last).every((c) => c.timings === undefined)).toBe(true);
  });
});

describe('context_overflow', () => {
  // Six long turns: far more than the model's context (2048 tokens) holds.
  const long = Array.from({ length: 6 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `turn ${index} ${'word '.repeat(600)}` }));
  const messages = [{ role: 'system', content: 'Be brief.' }, ...long, { role: 'user', content: 'And now?' }];

  it('is an error by default, as OpenAI answers', async () => {
    const refused = await chat({ messages });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('context_length_exceeded');
  });

  it("'drop-oldest' leaves out the oldest turns until the rest fits", async () => {
    const answered = await chat({ messages, context_overflow: 'drop-oldest' });
    expect(answered.status).toBe(200);
    expect(answered.body.usage.prompt_tokens).toBeLessThan(2048);
    expect(answered.body.usage.prompt_tokens).toBeGreaterThan(600);
  });

  it('refuses another value', async () => {
    const bad = await chat({ messages, context_overflow: 'truncate' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/context_overflow/);
  });
});

describe('chat_template limits', () => {
  it('stops a template that loops for hours within seconds, and the server answers others meanwhile', async () => {
    const started = Date.now();
    const looping = chat({ chat_template: '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}' });
    const health = fetch(`${server.url}/health`).then(() => Date.now() - started);
    const response = await looping;
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('chat_template');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await health).toBeLessThan(15_000);
  });
});
