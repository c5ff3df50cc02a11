// The server driven by OpenAI's own npm client, as applications use it: chat completions
// (plain, streamed, with usage, stop strings, seeds, JSON schemas, tools, reasoning), text
// completions, embeddings, and errors as the client's APIError.
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenType, loadVocabulary, vocabularyTokens } from '@gpt4all/test-models';
import { idOf, metricValue, quietServer } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { startServer, type RunningServer } from './index.js';

let server: RunningServer;
let client: OpenAI;
const ids = { chat: '', toolCaller: '', reasoner: '', embedder: '' };

beforeAll(async () => {
  const paths = { chat: await testModelPath('chat'), toolCaller: await testModelPath('toolCaller'), reasoner: await testModelPath('reasoner'), embedder: await testModelPath('embedder') };
  for (const name of Object.keys(ids) as (keyof typeof ids)[]) ids[name] = idOf(paths[name]);
  server = await startServer({ ...quietServer, models: Object.values(paths) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => server?.close());

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('models', () => {
  it('lists every model under its file name', async () => {
    const listed = [];
    for await (const model of client.models.list()) listed.push(model);
    expect(listed.map((m) => m.id)).toEqual(Object.values(ids));
    expect(server.models).toEqual(Object.values(ids));
    expect(listed[0]).toMatchObject({ object: 'model', owned_by: 'gpt4all' });
    expect((await client.models.retrieve(`${ids.chat}.gguf`)).id).toBe(ids.chat);
  });
});

describe('chat completions', () => {
  it('answers, and the same greedy request again gives the same text from the KV cache', async () => {
    const request = { model: ids.chat, messages: ask('What is the capital of France?'), max_tokens: 12, temperature: 0 };
    const first = await client.chat.completions.create(request);
    expect(first).toMatchObject({ object: 'chat.completion', model: ids.chat, id: expect.stringMatching(/^chatcmpl-/) });
    const [choice] = first.choices;
    expect(choice!.message.role).toBe('assistant');
    expect(choice!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice!.finish_reason);
    const usage = first.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.completion_tokens).toBeLessThanOrEqual(12);

    const again = await client.chat.completions.create(request);
    expect(again.choices[0]!.message.content).toBe(choice!.message.content);
    expect(again.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(0);
    // The model's file name with .gguf names it too.
    expect((await client.chat.completions.create({ ...request, model: `${ids.chat}.gguf` })).choices[0]!.message.content).toBe(choice!.message.content);
  });

  it('streams the same text, with usage at the end when asked (stream_options.include_usage)', async () => {
    const request = { model: ids.chat, messages: ask('Tell me a story.'), max_tokens: 16, temperature: 0 };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]!.message.content);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    expect(finish[0]!.choices[0]!.finish_reason).toBe(whole.choices[0]!.finish_reason);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: whole.usage!.prompt_tokens, completion_tokens: whole.usage!.completion_tokens });
    // Without include_usage no chunk carries usage.
    const plain = await client.chat.completions.create({ ...request, stream: true });
    for await (const chunk of plain) expect(chunk.usage ?? null).toBeNull();
  });

  it('ends before a stop string, which the reply never contains', async () => {
    const request = { model: ids.chat, messages: ask('Count to ten.'), max_tokens: 16, temperature: 0 };
    const free = (await client.chat.completions.create(request)).choices[0]!.message.content!;
    const stop = free.slice(Math.floor(free.length / 2), Math.floor(free.length / 2) + 2);
    const stopped = await client.chat.completions.create({ ...request, stop: [stop, 'never appears'] });
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect(stopped.choices[0]!.message.content).toBe(free.slice(0, free.indexOf(stop)));
    const single = await client.chat.completions.create({ ...request, stop });
    expect(single.choices[0]!.message.content).toBe(stopped.choices[0]!.message.content);
  });

  it('gives the same text for the same seed at temperature > 0, and another for another seed', async () => {
    const request = { model: ids.chat, messages: ask('Say something.'), max_tokens: 16, temperature: 1, top_p: 1 };
    const texts = [];
    for (const seed of [42, 42, 43]) texts.push((await client.chat.completions.create({ ...request, seed })).choices[0]!.message.content);
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).not.toBe(texts[0]);
  });

  it('holds the reply to a JSON schema (OpenAI nested json_schema form) and to any JSON object', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 12 }, population: { type: 'integer', minimum: 0, maximum: 1000 } },
      required: ['name', 'population'],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const completion = await client.chat.completions.create({
        model: ids.chat,
        messages: ask('Describe a city as JSON.'),
        max_tokens: 120,
        temperature: 0.8,
        seed,
        response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
      });
      const value = JSON.parse(completion.choices[0]!.message.content!);
      expect(Object.keys(value).sort()).toEqual(['name', 'population']);
      expect(typeof value.name).toBe('string');
      expect(value.name.length).toBeLessThanOrEqual(12);
      expect(Number.isInteger(value.population) && value.population >= 0 && value.population <= 1000).toBe(true);
    }
    const object = await client.chat.completions.create({ model: ids.chat, messages: ask('JSON please.'), max_tokens: 120, temperature: 0, response_format: { type: 'json_object' } });
    if (object.choices[0]!.finish_reason === 'stop') expect(typeof JSON.parse(object.choices[0]!.message.content!)).toBe('object');
    else expect(object.choices[0]!.message.content!.startsWith('{')).toBe(true);
  });
});

describe('tools', () => {
  const getWeather = { type: 'function' as const, function: { name: 'get_weather', description: 'The weather now', parameters: { type: 'object', properties: {} } } };

  it('returns the call a model makes as tool_calls, with finish_reason tool_calls, streamed or not', async () => {
    const request = { model: ids.toolCaller, messages: ask('What is the weather?'), tools: [getWeather], temperature: 0, max_tokens: 60 };
    const completion = await client.chat.completions.create(request);
    const [choice] = completion.choices;
    expect(choice!.finish_reason).toBe('tool_calls');
    expect(choice!.message.content).toBeNull();
    expect(choice!.message.tool_calls).toEqual([{ id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{}' } }]);

    const stream = await client.chat.completions.create({ ...request, stream: true });
    const deltas = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish ??= chunk.choices[0]?.finish_reason;
    }
    expect(finish).toBe('tool_calls');
    expect(deltas).toEqual([{ index: 0, id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{}' } }]);

    // The call and its result go back as history: the template renders them, and the model answers.
    const call = choice!.message.tool_calls![0]!;
    const next = await client.chat.completions.create({
      ...request,
      messages: [...request.messages, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 18}' }],
    });
    expect(next.choices[0]!.finish_reason).toBe('tool_calls');
    // The prompt grew by the call and its result (some 40 tokens as Qwen's template writes them).
    expect(next.usage!.prompt_tokens).toBeGreaterThan(completion.usage!.prompt_tokens + 25);
  });

  it("forces a valid call with tool_choice naming a tool, even from a random model, arguments fitting the schema", async () => {
    const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { enum: ['Paris', 'Lyon'] } }, required: ['city'], additionalProperties: false } } };
    const completion = await client.chat.completions.create({
      model: ids.chat,
      messages: ask('Weather?'),
      tools: [weather],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      temperature: 1,
      seed: 3,
      max_tokens: 60,
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(JSON.parse(call.type === 'function' ? call.function.arguments : '')).toEqual({ city: expect.stringMatching(/^(Paris|Lyon)$/) });
  });
});

describe('reasoning', () => {
  it("returns a thinking model's reasoning as reasoning_content, apart from the answer, streamed or not", async () => {
    const request = { model: ids.reasoner, messages: ask('What is 2 + 2?'), temperature: 0, max_tokens: 40 };
    const completion = await client.chat.completions.create(request);
    const message = completion.choices[0]!.message as { content: string; reasoning_content?: string };
    expect(message.content).toBe('The answer is 4.');
    expect(message.reasoning_content).toBe('Let me think');

    const stream = await client.chat.completions.create({ ...request, stream: true });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect([reasoning, content]).toEqual(['Let me think', 'The answer is 4.']);
  });
});

describe('completions', () => {
  it('continues a prompt as it is, streamed or not', async () => {
    const request = { model: ids.chat, prompt: 'Once upon a time', max_tokens: 10, temperature: 0 };
    const completion = await client.completions.create(request);
    expect(completion).toMatchObject({ object: 'text_completion', model: ids.chat });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(10);
    let streamed = '';
    let finish: string | null | undefined;
    for await (const chunk of await client.completions.create({ ...request, stream: true })) {
      streamed += chunk.choices[0]?.text ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
    }
    expect(streamed).toBe(completion.choices[0]!.text);
    expect(finish).toBe(completion.choices[0]!.finish_reason);
  });
});

describe('logit_bias', () => {
  it('makes a token win (+100) or never appear (-100), in chat and text completions', async () => {
    const vocabulary = vocabularyTokens(loadVocabulary('qwen2'));
    const hello = vocabulary.find('hello', TokenType.NORMAL)!;
    const boosted = { [String(hello)]: 100 };
    const chat = await client.chat.completions.create({ model: ids.chat, messages: ask('Hi'), max_tokens: 3, temperature: 0, logit_bias: boosted });
    expect(chat.choices[0]!.message.content).toBe('hellohellohello');
    const text = await client.completions.create({ model: ids.chat, prompt: 'Once upon a time', max_tokens: 3, temperature: 0, logit_bias: boosted });
    expect(text.choices[0]!.text).toBe('hellohellohello');
    // The unbiased greedy reply's first token, banned: the reply starts otherwise.
    const plain = await client.completions.create({ model: ids.chat, prompt: 'Once upon a time', max_tokens: 1, temperature: 0 });
    const first = vocabulary.texts.findIndex((t) => t === plain.choices[0]!.text);
    if (first >= 0) {
      const banned = await client.completions.create({ model: ids.chat, prompt: 'Once upon a time', max_tokens: 1, temperature: 0, logit_bias: { [String(first)]: -100 } });
      expect(banned.choices[0]!.text).not.toBe(plain.choices[0]!.text);
    }
    await expect(client.completions.create({ model: ids.chat, prompt: 'x', logit_bias: { cat: 5 } })).rejects.toMatchObject({ status: 400, param: 'logit_bias' });
  });
});

describe('embeddings', () => {
  it('embeds a text or a list into unit vectors, as floats or base64 (the client default)', async () => {
    const base64 = await client.embeddings.create({ model: ids.embedder, input: ['The cat sat on the mat.', 'Stock markets fell.'] });
    expect(base64.data).toHaveLength(2);
    const floats = await client.embeddings.create({ model: ids.embedder, input: ['The cat sat on the mat.', 'Stock markets fell.'], encoding_format: 'float' });
    for (const [i, item] of floats.data.entries()) {
      expect(item.index).toBe(i);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 4);
      base64.data[i]!.embedding.forEach((x, j) => expect(x).toBeCloseTo(item.embedding[j]!, 6));
    }
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    const one = await client.embeddings.create({ model: ids.embedder, input: 'The cat sat on the mat.', encoding_format: 'float' });
    expect(one.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
    // Counted as embeddings, not as generations.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricValue(metrics, 'gpt4all_embedded_inputs_total', { model: ids.embedder })).toBe(5);
    expect(metricValue(metrics, 'gpt4all_embedded_tokens_total', { model: ids.embedder })).toBe(2 * floats.usage.prompt_tokens + one.usage.prompt_tokens);
    expect(metricValue(metrics, 'gpt4all_generations_total', { model: ids.embedder })).toBe(0);
  });
});

describe('errors, as the client sees them', () => {
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIError);
    const { status, code, param, type } = error as APIError;
    return { status, code, param, type };
  };

  it('names an unknown model, a prompt over the context, a generative model asked to embed, and unsupported fields', async () => {
    expect(await failure(client.chat.completions.create({ model: 'gpt-4o', messages: ask('Hi') }))).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(await failure(client.chat.completions.create({ model: ids.chat, messages: ask('word '.repeat(3000)) }))).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(await failure(client.embeddings.create({ model: ids.chat, input: 'x' }))).toMatchObject({ status: 400, code: 'model_not_supported', param: 'model' });
    expect(await failure(client.chat.completions.create({ model: ids.embedder, messages: ask('Hi') }))).toMatchObject({ status: 400, code: 'model_not_supported' });
    expect(await failure(client.chat.completions.create({ model: ids.chat, messages: ask('Hi'), n: 2 }))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'n' });
    expect(await failure(client.chat.completions.create({ model: ids.chat, messages: ask('Hi'), logprobs: true }))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'logprobs' });
    const badSchema = { type: 'json_schema' as const, json_schema: { name: 'x', schema: { type: 'object', properties: { n: { type: 'integer', multipleOf: 3 } } } } };
    expect(await failure(client.chat.completions.create({ model: ids.chat, messages: ask('Hi'), response_format: badSchema }))).toMatchObject({ status: 400, code: 'ERR_SCHEMA_UNSUPPORTED' });
    const badTool = { type: 'function' as const, function: { name: 'bad name!', parameters: {} } };
    expect(await failure(client.chat.completions.create({ model: ids.chat, messages: ask('Hi'), tools: [badTool] }))).toMatchObject({ status: 400, code: 'ERR_INVALID_ARGUMENT' });
  });

  it('refuses a missing or wrong API key with 401, and serves the right one', async () => {
    const locked = await startServer({ ...quietServer, models: [await testModelPath('chat')], apiKey: 'sk-local-secret' });
    try {
      const request = { model: ids.chat, messages: ask('Hi'), max_tokens: 2 };
      const wrong = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
      expect(await failure(wrong.chat.completions.create(request))).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(await failure(wrong.models.list())).toMatchObject({ status: 401 });
      const right = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: 'sk-local-secret', maxRetries: 0 });
      expect((await right.chat.completions.create(request)).choices).toHaveLength(1);
      // Health and metrics need no key.
      expect((await fetch(`${locked.url}/health`)).status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
