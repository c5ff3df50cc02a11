// The whole tool loop on a real model: calls, the caller's results, several rounds, and the
// session's own loop with `execute`; the resulting conversation renders exactly as jinja2 does.
import { ensureTestModel } from '@gpt4all/test-models';
import { renderChat } from '@gpt4all/templates';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOptions } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import type { ChatTool } from './chat-tools.js';
import { ChatError, createCompletion, loadModel, type ChatMessage } from './index.js';

const templateName = 'Qwen-Qwen2.5-7B-Instruct';
const template = readFileSync(new URL(`../../../vendor/llama.cpp/models/templates/${templateName}.jinja`, import.meta.url), 'utf8');
const weather: ChatTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city.',
    parameters: { type: 'object', properties: { city: { enum: ['Paris', 'Lyon'] } }, required: ['city'], additionalProperties: false },
  },
};
const modelPath = () => ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', chatTemplate: templateName, size: 'tiny', seed: 12 });

/** Python's jinja2, set up as transformers sets it up (packages/templates/reference), if it is installed. */
function jinja2Render(messages: ChatMessage[], tools: unknown): string | undefined {
  const script = `
import datetime, importlib.util, json, sys
spec = importlib.util.spec_from_file_location('reference', sys.argv[1] + '/generate-fixtures.py')
reference = importlib.util.module_from_spec(spec); spec.loader.exec_module(reference)
data = json.load(sys.stdin)
env = reference.build_environment(datetime.datetime(2026, 1, 1))
print(json.dumps(reference.render(env, data['template'], data['context'])))
`;
  const python = spawnSync('python3', ['-c', script, new URL('../../templates/reference', import.meta.url).pathname], {
    input: JSON.stringify({ template, context: { messages, tools, documents: null, add_generation_prompt: true, bos_token: '', eos_token: '<|endoftext|>' } }),
    encoding: 'utf8',
  });
  if (python.status !== 0) return undefined; // no python3 or no jinja2
  const result = JSON.parse(python.stdout) as { output?: string };
  return result.output;
}

describe('a tool loop', () => {
  it('runs two rounds of calls and results, and the conversation renders as jinja2 renders it', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ tools: [weather], temperature: 1, seed: 3, maxTokens: 60, systemMessage: 'You have tools.' });
    const first = await session.send('Is it warmer in Paris or in Lyon?', { toolChoice: 'required' });
    expect(first.toolCalls).toHaveLength(1);
    const second = await session.send({ role: 'tool', toolCallId: first.toolCalls[0]!.id, content: '{"temperature": 18}' }, { toolChoice: { name: 'get_weather' } });
    expect(second.toolCalls).toHaveLength(1);
    await session.send({ role: 'tool', toolCallId: second.toolCalls[0]!.id, content: '{"temperature": 21}' }, { toolChoice: 'none', maxTokens: 5 });

    const messages = session.messages.slice(0, -1).map(({ tokens: _ids, ...m }) => m);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(messages[3]).toMatchObject({ role: 'tool', tool_call_id: first.toolCalls[0]!.id, name: 'get_weather' });
    const tools = [{ type: 'function', function: weather.function }];
    const ours = session.renderPrompt(session.messages.slice(0, -1)).text;
    expect(ours).toBe(renderChat(template, messages, { addGenerationPrompt: true, tools, bosToken: '', eosToken: '<|endoftext|>' }));
    const python = jinja2Render(messages, tools);
    if (python !== undefined) expect(ours).toBe(python);
  });

  it('runs the tools itself with execute, up to maxToolRounds', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    const calls: unknown[] = [];
    const tool: ChatTool = { ...weather, execute: (args) => (calls.push(args), { temperature: 20 }) };
    await using session = model.createChatSession({ tools: [tool], temperature: 1, seed: 5, maxTokens: 40, maxToolRounds: 1 });
    const stream = session.stream('Weather in Lyon?', { toolChoice: 'required' });
    const kinds: string[] = [];
    for await (const part of stream.parts) kinds.push(part.type);
    const reply = await stream.result;
    expect(calls).toHaveLength(1);
    expect(kinds).toContain('tool-call');
    expect(kinds).toContain('tool-result');
    const roles = session.messages.map((m) => m.role);
    expect(roles.slice(0, 4)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(session.messages[2]).toMatchObject({ role: 'tool', content: '{"temperature":20}' });
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
  });

  it('undoes the whole turn when aborted while a tool runs (abortedReply: discard)', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    const abort = new AbortController();
    const tool: ChatTool = { ...weather, execute: () => (abort.abort(), 'done') };
    await using session = model.createChatSession({ tools: [tool], temperature: 1, seed: 5, maxTokens: 40, abortedReply: 'discard' });
    const reply = await session.send('Weather?', { toolChoice: 'required', signal: abort.signal });
    expect(reply.finishReason).toBe('abort');
    expect(session.messages).toEqual([]);
  });

  it('takes OpenAI-shaped history, whose arguments are JSON text', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    await using session = model.createChatSession({
      tools: [weather],
      messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: '18' }],
    });
    expect(session.renderPrompt().text).toContain('"arguments": {"city": "Paris"}');
  });

  it('refuses bad tools and choices with typed errors, and names why a forced call failed', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    expect(() => model.createChatSession({ tools: [{ type: 'function', function: { name: 'bad name' } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    await using session = model.createChatSession({ tools: [weather], temperature: 0, maxTokens: 3 });
    await expect(session.send('x', { toolChoice: { name: 'nope' } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(session.send({ role: 'tool', toolCallId: 'x' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    // Three tokens cannot hold a call: the reply is cut off, and the error says so.
    const error = await session.send('x', { toolChoice: 'required' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatError);
    expect(error).toMatchObject({ code: 'ERR_TOOL_CALL_INVALID', message: expect.stringContaining('truncated') });
    expect(session.messages).toEqual([]);
  });
});

describe('createCompletion with tools (OpenAI shapes)', () => {
  it('returns tool_calls with JSON-text arguments and takes tool results back', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await createCompletion(model, messages, { tools: [weather], toolChoice: 'required', temperature: 1, seed: 2, maxTokens: 60 });
    const [call] = first.choices[0].message.tool_calls!;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(['Paris', 'Lyon']).toContain((JSON.parse(call!.function.arguments) as { city: string }).city);
    const next = [...messages, { role: 'assistant', content: '', tool_calls: [call!] }, { role: 'tool', tool_call_id: call!.id, content: '{"temperature": 18}' }];
    const second = await createCompletion(model, next, { tools: [weather], temperature: 1, seed: 2, maxTokens: 8 });
    expect(second.choices[0].finish_reason).not.toBe('tool_calls');
    expect(second.usage.prompt_tokens).toBeGreaterThan(first.usage.prompt_tokens);
  });
});

describe('responseFormat', () => {
  it('makes the reply JSON of the schema, and refuses what it cannot enforce', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ temperature: 1, maxTokens: 200 });
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] }, confidence: { type: 'integer', minimum: 0, maximum: 100 } }, required: ['answer', 'confidence'], additionalProperties: false };
    for (const seed of [1, 2, 3]) {
      const reply = await session.send('Is water wet?', { seed, responseFormat: { type: 'json_schema', schema } });
      const value = JSON.parse(reply.text) as { answer: string; confidence: number };
      expect(['yes', 'no']).toContain(value.answer);
      expect(value.confidence).toBeGreaterThanOrEqual(0);
    }
    const object = await session.send('Anything', { seed: 4, maxTokens: 400, responseFormat: { type: 'json_object' } });
    expect(typeof JSON.parse(object.text)).toBe('object');
    await expect(session.send('x', { responseFormat: { type: 'json_schema', schema: { type: 'string', format: 'uri' } } })).rejects.toMatchObject({
      code: 'ERR_SCHEMA_UNSUPPORTED',
      keyword: 'format',
    });
  });

  it('with tools: a forced call wins (it has no text to shape); with auto, the reply is a call or JSON of the schema', async () => {
    await using model = await loadModel(await modelPath(), { ...loadOptions, catalog: false });
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } }, required: ['answer'], additionalProperties: false };
    const ask: ChatMessage[] = [{ role: 'user', content: 'Is it warm in Paris?' }];
    const forced = await createCompletion(model, ask, { tools: [weather], toolChoice: 'required', responseFormat: { type: 'json_schema', schema }, temperature: 1, seed: 2, maxTokens: 60 });
    expect(forced.choices[0].message.tool_calls).toHaveLength(1);
    const kinds = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const reply = await createCompletion(model, ask, { tools: [weather], toolChoice: 'auto', responseFormat: { type: 'json_schema', schema }, temperature: 1, seed, maxTokens: 60 });
      const { content, tool_calls: calls } = reply.choices[0].message;
      if (calls?.length) {
        kinds.add('call');
        expect(['Paris', 'Lyon']).toContain((JSON.parse(calls[0]!.function.arguments) as { city: string }).city);
      } else {
        kinds.add('json');
        expect(['yes', 'no']).toContain((JSON.parse(content) as { answer: string }).answer);
      }
    }
    // Both branches of the grammar are open to the model.
    expect([...kinds].sort()).toEqual(['call', 'json']);
  });

  it('for a family whose calls are bare JSON (Llama 3), the reply with tools and a schema is the JSON answer, never read as a call', async () => {
    await using model = await loadModel(await testModelPath('llama3'), { ...loadOptions, catalog: false });
    const schema = { type: 'object', properties: { name: { enum: ['get_weather', 'other'] }, answer: { enum: ['yes', 'no'] } }, required: ['name', 'answer'], additionalProperties: false };
    for (const seed of [1, 2, 3]) {
      const reply = await createCompletion(model, [{ role: 'user', content: 'Is it warm?' }], { tools: [weather], responseFormat: { type: 'json_schema', schema }, temperature: 1, seed, maxTokens: 80 });
      const { content, tool_calls: calls } = reply.choices[0].message;
      expect(calls).toBeUndefined();
      const value = JSON.parse(content) as { name: string; answer: string };
      expect(['yes', 'no']).toContain(value.answer);
    }
  });
});
