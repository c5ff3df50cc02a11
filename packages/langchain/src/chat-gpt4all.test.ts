// ChatGpt4All on real GGUF files, through LangChain's own Runnable API. The checks follow
// @langchain/standard-tests' chat-model suites (unit and integration), which are not published
// to npm (see README): initialisation, standard LangSmith parameters, invoke, stream, batch,
// conversations, usage metadata, tool-message histories (string and list content), bindTools
// with OpenAI-formatted, zod and runnable tools, streamed tool calls, structured output (with
// and without the raw message), and abort.
import { createCompletion, loadModel } from '@gpt4all/chat';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, trimMessages, type BaseMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadOptions, testModelPath } from '../test/models.js';
import { ChatGpt4All } from './index.js';

const greedy = { temperature: 0, seed: 1 } as const;
let chat: ChatGpt4All;
let chatPath: string;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
  chat = new ChatGpt4All({ model: chatPath, loadOptions: { ...loadOptions, parallel: 2 }, maxTokens: 16, ...greedy });
});
afterAll(async () => {
  await chat?.dispose();
});

const weather = tool(async ({ city }) => `${city}: 18 degrees`, {
  name: 'get_weather',
  description: 'Current weather of a city.',
  schema: z.object({ city: z.enum(['Paris', 'Lyon']) }),
});

describe('ChatGpt4All: initialisation and parameters', () => {
  it('has its LangChain name, type and standard LangSmith parameters', () => {
    const model = new ChatGpt4All({ model: '/models/x.gguf', temperature: 0.3, maxTokens: 99, stop: ['###'] });
    expect(ChatGpt4All.lc_name()).toBe('ChatGpt4All');
    expect(model._llmType()).toBe('gpt4all');
    expect(model.getLsParams({} as never)).toEqual({
      ls_provider: 'gpt4all',
      ls_model_name: '/models/x.gguf',
      ls_model_type: 'chat',
      ls_temperature: 0.3,
      ls_max_tokens: 99,
      ls_stop: ['###'],
    });
    expect(model.invocationParams()).toMatchObject({ temperature: 0.3, maxTokens: 99, stop: ['###'], contextOverflow: 'error' });
    expect(typeof model.bindTools([weather]).invoke).toBe('function');
    expect(typeof model.withStructuredOutput(z.object({ a: z.string() })).invoke).toBe('function');
  });
});

describe('ChatGpt4All: generation', () => {
  it('invoke answers as @gpt4all/chat does, with usage metadata and timings', async () => {
    const reply = await chat.invoke([new SystemMessage('Be brief.'), new HumanMessage('Hello!')]);
    expect(AIMessage.isInstance(reply) || AIMessageChunk.isInstance(reply)).toBe(true);
    expect(typeof reply.content).toBe('string');
    await using direct = await loadModel(chatPath, loadOptions);
    const expected = await createCompletion(direct, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello!' }], { maxTokens: 16, ...greedy });
    expect(reply.content).toBe(expected.choices[0].message.content);
    expect(reply.usage_metadata).toMatchObject({ input_tokens: expected.usage.prompt_tokens, output_tokens: expected.usage.completion_tokens });
    expect(reply.usage_metadata!.total_tokens).toBe(reply.usage_metadata!.input_tokens + reply.usage_metadata!.output_tokens);
    expect(reply.response_metadata.finish_reason).toMatch(/^(stop|length)$/);
    expect((reply.response_metadata.timings as { tokensPerSecond: number }).tokensPerSecond).toBeGreaterThan(0);
  });

  it('stream yields chunks that add up to what invoke returns, the last with usage metadata', async () => {
    const messages = [new HumanMessage('Tell me a story.')];
    const invoked = await chat.invoke(messages);
    let whole: AIMessageChunk | undefined;
    let chunks = 0;
    for await (const chunk of await chat.stream(messages)) {
      expect(AIMessageChunk.isInstance(chunk)).toBe(true);
      whole = whole ? whole.concat(chunk) : chunk;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(whole!.content).toBe(invoked.content);
    const { input_tokens, output_tokens, total_tokens } = invoked.usage_metadata!;
    expect(whole!.usage_metadata).toMatchObject({ input_tokens, output_tokens, total_tokens });
    expect(whole!.usage_metadata!.input_token_details?.cache_read).toBe(input_tokens - 1); // the same prompt again: all but the last token reused
    // `streaming: true` makes invoke stream underneath (callbacks get each token), with the same result.
    const tokens: string[] = [];
    const streaming = new ChatGpt4All({ model: chatPath, loadOptions, maxTokens: 16, ...greedy, streaming: true, callbacks: [{ handleLLMNewToken: (token: string) => void tokens.push(token) }] });
    const viaStream = await streaming.invoke(messages);
    await streaming.dispose();
    expect(viaStream.content).toBe(invoked.content);
    expect(tokens.join('')).toBe(invoked.content);
  });

  it('batch answers each input as invoke does, the runs decoding together', async () => {
    const inputs = ['One', 'Two', 'Three'];
    const batched = await chat.batch(inputs);
    const alone: unknown[] = [];
    for (const input of inputs) alone.push((await chat.invoke(input)).content);
    expect(batched.map((m) => m.content)).toEqual(alone);
  });

  it('continues a conversation of system, human and AI turns, reusing the KV cache', async () => {
    const first = [new SystemMessage('You are terse.'), new HumanMessage('Hi')];
    const reply = await chat.invoke(first);
    const next = await chat.invoke([...first, reply, new HumanMessage('And then?')]);
    expect(next.usage_metadata!.input_tokens).toBeGreaterThan(reply.usage_metadata!.input_tokens);
    expect(next.usage_metadata!.input_token_details?.cache_read).toBeGreaterThan(5);
  });

  it('keeps a thinking model’s reasoning apart, in additional_kwargs.reasoning_content', async () => {
    await using reasoner = new ChatGpt4All({ model: await testModelPath('reasoner'), loadOptions, maxTokens: 40, ...greedy });
    const reply = await reasoner.invoke('What is 2 + 2?');
    expect(reply.content).toContain('The answer is 4.');
    expect(reply.additional_kwargs.reasoning_content).toContain('Let me think');
    let streamed: AIMessageChunk | undefined;
    for await (const chunk of await reasoner.stream('What is 2 + 2?')) streamed = streamed ? streamed.concat(chunk) : chunk;
    expect(streamed!.content).toBe(reply.content);
    expect(streamed!.additional_kwargs.reasoning_content).toBe(reply.additional_kwargs.reasoning_content);
  });

  it('stops invoke and stream through signal; the model is free again at once', async () => {
    await using looper = new ChatGpt4All({ model: await testModelPath('looper'), loadOptions, maxTokens: 100_000, ...greedy });
    const aborting = new AbortController();
    setTimeout(() => aborting.abort(), 300);
    await expect(looper.invoke('Go.', { signal: aborting.signal })).rejects.toThrow(/abort/i);
    const streaming = new AbortController();
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of await looper.stream('Go.', { signal: streaming.signal })) {
          text += String(chunk.content);
          if (text.length > 20) streaming.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(text.startsWith(' ping pong')).toBe(true);
    expect((await looper.invoke('Go.', { stop: [' pong'] })).content).toBe(' ping');
  });

  it('counts tokens with the model’s own tokenizer, without the network, so trimMessages works', async () => {
    await using direct = await loadModel(chatPath, loadOptions);
    expect(await chat.getNumTokens('hello world, how are you?')).toBe(direct.engine.tokenize('hello world, how are you?').length);
    const history = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? new HumanMessage(`question number ${i}`) : new AIMessage(`answer number ${i}`)));
    const trimmed = await trimMessages(history, { maxTokens: 40, tokenCounter: chat, strategy: 'last' });
    expect(trimmed.length).toBeGreaterThan(0);
    expect(trimmed.length).toBeLessThan(history.length);
    expect(trimmed.at(-1)!.content).toBe(history.at(-1)!.content);
  });

  it('rejects what a text model cannot read and prompts longer than the context, with typed errors', async () => {
    await expect(chat.invoke([new HumanMessage({ content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] })])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(chat.invoke('word '.repeat(40_000))).rejects.toMatchObject({ code: 'ERR_CONTEXT_OVERFLOW' });
    await using missing = new ChatGpt4All({ model: '/nonexistent/model.gguf' });
    await expect(missing.invoke('Hi')).rejects.toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
  });
});

describe('ChatGpt4All: tools', () => {
  const history = (content: AIMessage['content']): BaseMessage[] => [
    new HumanMessage('Weather in Paris?'),
    new AIMessage({ content, tool_calls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }] }),
    new ToolMessage({ tool_call_id: 'call_1', name: 'get_weather', content: 'Paris: 18 degrees' }),
  ];

  it('answers after tool-message histories, with string and list content', async () => {
    const model = chat.bindTools([weather]);
    const withString = await model.invoke(history(''));
    const withList = await model.invoke(
      history([
        { type: 'text', text: '' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      ]),
    );
    expect(withString.content).toBe(withList.content);
    expect(withString.usage_metadata!.input_tokens).toBeGreaterThan(20);
  });

  it('calls a bound tool (zod, OpenAI-formatted, runnable) with valid arguments when the choice requires it', async () => {
    const openAIFormatted = { type: 'function', function: { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Lyon'] } }, required: ['city'] } } };
    const runnable = RunnableLambda.from((input: { city: string }) => input.city).asTool({ name: 'get_weather', description: 'Weather.', schema: z.object({ city: z.enum(['Paris', 'Lyon']) }) });
    await using caller = new ChatGpt4All({ model: chatPath, loadOptions, maxTokens: 200, temperature: 1, seed: 3 });
    for (const bound of [weather, openAIFormatted, runnable]) {
      const reply = await caller.bindTools([bound], { tool_choice: 'any' }).invoke('Weather in Paris?');
      expect(reply.tool_calls).toHaveLength(1);
      expect(reply.tool_calls![0]).toMatchObject({ name: 'get_weather', type: 'tool_call' });
      expect(['Paris', 'Lyon']).toContain(reply.tool_calls![0]!.args.city);
      expect(reply.response_metadata.finish_reason).toBe('tool_calls');
    }
  });

  it('streams a tool call as tool_call_chunks that add up to the call, and runs it through the tool', async () => {
    const model = new ChatGpt4All({ model: chatPath, loadOptions, maxTokens: 200, temperature: 1, seed: 3 }).bindTools([weather], { tool_choice: 'get_weather' });
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream('Weather in Lyon?')) whole = whole ? whole.concat(chunk) : chunk;
    expect(whole!.tool_call_chunks).toHaveLength(1);
    expect(whole!.tool_calls).toHaveLength(1);
    const call = whole!.tool_calls![0]!;
    const result = await weather.invoke(call);
    expect(result.content).toBe(`${call.args.city}: 18 degrees`);
  });
});

describe('ChatGpt4All: structured output', () => {
  const person = z.object({ name: z.string().min(1).max(16), age: z.number().int().min(0).max(120), role: z.enum(['admin', 'user']) });

  it('withStructuredOutput (zod) gives valid objects from a random-weight model, by each method', async () => {
    await using direct = await loadModel(chatPath, loadOptions);
    for (const [method, seed] of [['jsonSchema', 1], ['jsonSchema', 2], ['functionCalling', 3], ['functionCalling', 4]] as const) {
      const seeded = new ChatGpt4All({ model: direct, maxTokens: 400, temperature: 1, seed });
      const parsed = await seeded.withStructuredOutput(person, { method }).invoke('Invent a person.');
      expect(person.safeParse(parsed).success).toBe(true);
    }
    const model = new ChatGpt4All({ model: direct, maxTokens: 400, temperature: 1, seed: 5 });
    const raw = await model.withStructuredOutput(person, { includeRaw: true }).invoke('Invent a person.');
    expect(person.safeParse(raw.parsed).success).toBe(true);
    expect(JSON.parse(String(raw.raw.content))).toEqual(raw.parsed);
    const json = await model.withStructuredOutput({ type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false }).invoke('Is it ok?');
    expect(typeof json.ok).toBe('boolean');
  });
});
