import { ensureTestModel } from '@gpt4all/test-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { createCompletion, loadModel, streamCompletion, type ChatMessage, type Model, type ReplyPart } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('chat'), loadOptions);
});
afterAll(() => model?.dispose());

const options = { ...greedy, maxTokens: 16 };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 1 + 1?' },
];

describe('streamCompletion', () => {
  it('streams what createCompletion answers, and settles with the same completion', async () => {
    const whole = await createCompletion(model, messages, options);
    const stream = streamCompletion(model, messages, options);
    let text = '';
    for await (const piece of stream) text += piece;
    const streamed = await stream.result;
    expect(text).toBe(whole.choices[0].message.content);
    expect(streamed.choices[0]).toEqual(whole.choices[0]);
    expect(streamed.usage.prompt_tokens).toBe(whole.usage.prompt_tokens);
    // The same prompt again: all of it was in the cache.
    expect(streamed.usage.cached_tokens).toBeGreaterThan(0);
  });

  it('streams a plain reply exactly, leading and trailing whitespace included', async () => {
    // The output splitter trims what surrounds an answer; a plain reply keeps it.
    const path = await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen2.5-7B-Instruct', size: 'tiny', seed: 9, script: { emit: ['  Indented', ' reply.', '\n\n'] } });
    await using spaced = await loadModel(path, { ...loadOptions, catalog: false });
    const ask: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
    for (const maxTokens of [1, 2, 40]) {
      const whole = await createCompletion(spaced, ask, { ...greedy, maxTokens });
      const stream = streamCompletion(spaced, ask, { ...greedy, maxTokens });
      let text = '';
      for await (const piece of stream) text += piece;
      expect(text).toBe(whole.choices[0].message.content);
      expect((await stream.result).choices[0].message.content).toBe(whole.choices[0].message.content);
    }
    expect((await createCompletion(spaced, ask, greedy)).choices[0].message.content).toBe('  Indented reply.\n\n');
  });

  it('keeps reasoning apart in its parts', async () => {
    await using scripted = await loadModel(await testModelPath('deepseekR1'), { ...loadOptions, catalog: false });
    const stream = streamCompletion(scripted, [{ role: 'user', content: 'What is 2 + 2?' }], { ...greedy, maxTokens: 40 });
    const parts: ReplyPart[] = [];
    for await (const part of stream.parts) parts.push(part);
    const completion = await stream.result;
    const join = (type: string) => parts.flatMap((p) => (p.type === type && 'text' in p ? [p.text] : [])).join('');
    expect(join('reasoning')).toBe(completion.choices[0].message.reasoning_content);
    expect(join('text')).toBe(completion.choices[0].message.content);
    expect(completion.choices[0].message.content).toContain('The answer is 4.');
  });

  it('answers trailing tool results, and refuses a list that ends otherwise', async () => {
    const calling: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '2' },
    ];
    const stream = streamCompletion(model, calling, options);
    for await (const _ of stream);
    const answered = await stream.result;
    expect(answered.choices[0].finish_reason).toMatch(/^(stop|length)$/);
    // The call and its result are in the prompt.
    const plain = streamCompletion(model, messages, options);
    for await (const _ of plain);
    expect(answered.usage.prompt_tokens).toBeGreaterThan((await plain.result).usage.prompt_tokens + 10);
    expect(() => streamCompletion(model, messages.slice(0, 1), options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('stops within a token when the loop is left', async () => {
    const stream = streamCompletion(model, messages, { ...greedy, maxTokens: 200 });
    for await (const _ of stream) break;
    const completion = await stream.result;
    expect(completion.choices[0].finish_reason).toBe('abort');
    expect(completion.usage.completion_tokens).toBeLessThan(200);
  });
});
