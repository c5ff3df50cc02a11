// Tool calls end to end, for every tool-capable template family in vendor/llama.cpp/models/templates
// (the family's representative template; `tool-calls/detect-tool-call-format.test.ts` maps all 70):
//
// - a model made to write a known call in its family's syntax (a random-weight model held to
//   exactly that text by a literal grammar) gets exactly that call back, also when streamed;
// - a random-weight model with `toolChoice: 'required'` writes a valid call for every seed;
// - the reply's call and the caller's tool result go back into the prompt through the template.
import { ensureTestModel } from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { loadOptions } from '../test/helpers.js';
import type { ChatTool } from './chat-tools.js';
import { loadModel, type ReplyPart } from './index.js';
import { gbnfLiteral, promptOpensReasoning } from './tool-calls/index.js';
import { FAMILY_TEMPLATES, SAMPLE_CALLS, TOOLS } from './tool-calls/test-fixtures.js';
import type { ToolCallFormatId } from './tool-calls/tool-call-format.js';

/**
 * Kimi K2's templates mutate a list (`.append`), which transformers' sandboxed jinja2 forbids:
 * with tools they fail there as here (`fixtures/conformance` in @gpt4all/templates), so no
 * prompt with tools can be made from them. Phi-4-mini has no vendored template.
 */
const unrenderable: readonly ToolCallFormatId[] = ['kimi-k2'];
const families = (Object.entries(FAMILY_TEMPLATES) as [ToolCallFormatId, string | undefined][]).filter(
  (entry): entry is [ToolCallFormatId, string] => entry[1] !== undefined && !unrenderable.includes(entry[0]),
);
const tools: ChatTool[] = TOOLS.map((t) => ({ type: 'function', function: { ...t.function } }));
/** A tool whose arguments a random model can finish: bounded values only. */
const bounded: ChatTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { enum: ['Paris', 'Lyon'] }, days: { type: 'integer', minimum: 1, maximum: 7 } },
      required: ['city', 'days'],
      additionalProperties: false,
    },
  },
};

function modelFor(file: string) {
  return ensureTestModel({ architecture: 'llama', vocab: 'gpt-2', chatTemplate: file.replace(/\.jinja$/, ''), size: 'tiny', seed: 31 });
}

describe.each(families)('%s (%s)', (family, file) => {
  it('reads a call written in the family syntax into exactly that call, streamed or not', async () => {
    await using model = await loadModel(await modelFor(file), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ tools, temperature: 0, maxTokens: 300 });
    expect(session.toolCallFormat.id).toBe(family);
    // Where the prompt opens a thinking block, the model closes it first.
    const prompt = session.renderPrompt([...session.messages, { role: 'user', content: 'Call it' }]).text;
    const close = promptOpensReasoning(prompt, session.toolCallFormat) ? session.toolCallFormat.reasoning!.close : '';
    const written = { grammar: `root ::= ${gbnfLiteral(close + SAMPLE_CALLS[family])}` };
    const reply = await session.send('Call it', written);
    expect(reply.invalidToolCalls).toEqual([]);
    expect(reply.toolCalls).toEqual([{ id: expect.any(String), name: 'special_function', arguments: { arg1: 1 } }]);
    expect(session.messages.at(-1)).toMatchObject({ role: 'assistant', tool_calls: [{ id: reply.toolCalls[0]!.id, type: 'function', function: { name: 'special_function', arguments: { arg1: 1 } } }] });

    const stream = session.stream({ role: 'tool', toolCallId: reply.toolCalls[0]!.id, content: '{"result": 42}' }, written);
    const parts: ReplyPart[] = [];
    for await (const part of stream.parts) parts.push(part);
    const streamed = await stream.result;
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([{ type: 'tool-call', toolCall: streamed.toolCalls[0] }]);
    expect(streamed.toolCalls).toEqual([{ id: expect.any(String), name: 'special_function', arguments: { arg1: 1 } }]);
    expect(parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')).toBe(streamed.text);
    // The tool result went into the prompt the second reply was made from.
    expect(session.renderPrompt(session.messages.slice(0, -1)).text).toMatch(/"result\\?": 42/);
  });

  it("always writes a valid call under toolChoice 'required' (20 seeds, temperature 1)", async () => {
    await using model = await loadModel(await modelFor(file), { ...loadOptions, catalog: false });
    await using session = model.createChatSession({ tools: [bounded], temperature: 1, maxTokens: 200 });
    for (let seed = 1; seed <= 20; seed++) {
      session.reset();
      const reply = await session.send('What is the weather?', { toolChoice: 'required', seed });
      expect(reply.toolCalls, `seed ${seed}: ${reply.text}`).toHaveLength(1);
      expect(reply.toolCalls[0]).toMatchObject({ name: 'get_weather', arguments: { city: expect.stringMatching(/^(Paris|Lyon)$/), days: expect.any(Number) } });
    }
  });
});
