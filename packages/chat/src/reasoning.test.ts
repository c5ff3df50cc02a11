// A thinking model's reasoning is kept apart from its answer, streamed and not, on the DeepSeek R1
// template (whose prompt opens the thinking block) and the Qwen 3 template (where the model opens it).
import { ensureTestModel } from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { loadOptions } from '../test/helpers.js';
import { testModelPath } from '../test/models.js';
import { loadModel, type ReplyPart } from './index.js';
import { gbnfLiteral } from './tool-calls/index.js';

async function collect(stream: AsyncIterable<ReplyPart>): Promise<{ reasoning: string; text: string }> {
  const out = { reasoning: '', text: '' };
  for await (const part of stream) if (part.type === 'reasoning' || part.type === 'text') out[part.type] += part.text;
  return out;
}

describe('DeepSeek R1 (the prompt opens <think>)', () => {
  it('splits reasoning from the answer, and the next prompt leaves the reasoning out', async () => {
    // Scripted: "Let me think</think>The answer is 4."
    await using model = await loadModel(await testModelPath('deepseekR1'), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ temperature: 0, maxTokens: 40 });
    const reply = await session.send('What is 2 + 2?');
    expect(reply).toMatchObject({ reasoning: 'Let me think', text: 'The answer is 4.', finishReason: 'eog' });
    expect(session.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'The answer is 4.', reasoning_content: 'Let me think' });

    session.reset();
    const stream = session.stream('What is 2 + 2?');
    const parts = await collect(stream.parts);
    expect(parts).toEqual({ reasoning: 'Let me think', text: 'The answer is 4.' });
    expect((await stream.result).reasoning).toBe('Let me think');
    const next = session.renderPrompt([...session.messages, { role: 'user', content: 'And 3 + 3?' }]).text;
    expect(next).toContain('The answer is 4.');
    expect(next).not.toContain('Let me think');
  });

  it('iterating a stream gives the answer text only', async () => {
    await using model = await loadModel(await testModelPath('deepseekR1'), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ temperature: 0, maxTokens: 40 });
    let text = '';
    for await (const piece of session.stream('What is 2 + 2?')) text += piece;
    expect(text).toBe('The answer is 4.');
  });
});

describe('Qwen 3 (the model opens <think>)', () => {
  const output = '<think>\nThe user greets me.\n</think>\n\nHello! How can I help?';
  it.each([false, true])('splits reasoning from the answer (streamed: %s)', async (streamed) => {
    const path = await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen3-0.6B', size: 'tiny', seed: 8 });
    await using model = await loadModel(path, { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ temperature: 0, maxTokens: 60 });
    // The model is held to exactly this text by a literal grammar.
    const options = { grammar: `root ::= ${gbnfLiteral(output)}` };
    let reply;
    if (streamed) {
      const stream = session.stream('Hi', options);
      expect(await collect(stream.parts)).toEqual({ reasoning: 'The user greets me.', text: 'Hello! How can I help?' });
      reply = await stream.result;
    } else {
      reply = await session.send('Hi', options);
    }
    expect(reply).toMatchObject({ reasoning: 'The user greets me.', text: 'Hello! How can I help?' });
    expect(session.messages.at(-1)).toMatchObject({ content: 'Hello! How can I help?', reasoning_content: 'The user greets me.' });
    // Qwen 3's template shows the last reply's reasoning only while the turn is open, then drops it.
    const next = session.renderPrompt([...session.messages, { role: 'user', content: 'Bye' }]).text;
    expect(next).toContain('Hello! How can I help?');
    expect(next).not.toContain('The user greets me.');
  });
});
