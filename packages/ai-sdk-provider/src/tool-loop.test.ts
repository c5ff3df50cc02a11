// Tools through the `ai` package: a two-step loop in which the SDK runs the tool and the model
// answers with its result.
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testModelPath } from '../test/models.js';
import { useProvider } from '../test/provider.js';

const gpt4all = useProvider();
let chatPath: string;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
});

const calls: { city: string }[] = [];
const tools = {
  get_weather: tool({
    description: 'Current weather of a city.',
    inputSchema: z.object({ city: z.enum(['Paris', 'Lyon']) }),
    execute: async ({ city }) => {
      calls.push({ city });
      return { city, temperature: city === 'Paris' ? 18 : 21 };
    },
  }),
};

describe('a tool loop', () => {
  it('runs two steps with stopWhen: a call (forced in step 1), its result, then an answer', async () => {
    calls.length = 0;
    const result = await generateText({
      model: gpt4all()(chatPath),
      tools,
      stopWhen: stepCountIs(2),
      // A random-weight model would not choose a tool by itself: the first step requires one.
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'auto' }),
      prompt: 'Is it warm in Paris?',
      temperature: 1,
      seed: 3,
      maxOutputTokens: 200,
    });
    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    expect(first!.finishReason).toBe('tool-calls');
    expect(first!.toolCalls).toHaveLength(1);
    expect(first!.toolCalls[0]!.toolName).toBe('get_weather');
    expect(['Paris', 'Lyon']).toContain((first!.toolCalls[0]!.input as { city: string }).city);
    expect(first!.toolResults[0]!.output).toEqual({ city: calls[0]!.city, temperature: calls[0]!.city === 'Paris' ? 18 : 21 });
    expect(calls).toHaveLength(1);
    expect(second!.toolCalls).toHaveLength(0);
    expect(second!.finishReason).toMatch(/^(stop|length)$/);
    // The second step's prompt holds the first's call (rewritten compactly) and result, and reuses the KV cache.
    expect(second!.usage.inputTokens).toBeGreaterThan(first!.usage.inputTokens! + 10);
    expect(second!.usage.inputTokenDetails.cacheReadTokens).toBeGreaterThan(0);
  });

  it('streams the same loop: tool input, call, result, then text', async () => {
    calls.length = 0;
    const stream = streamText({
      model: gpt4all()(chatPath),
      tools,
      stopWhen: stepCountIs(2),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? { type: 'tool', toolName: 'get_weather' } : 'none' }),
      prompt: 'Is it warm in Lyon?',
      temperature: 1,
      seed: 5,
      maxOutputTokens: 200,
    });
    const kinds: string[] = [];
    for await (const part of stream.fullStream) if (['tool-input-start', 'tool-call', 'tool-result', 'text-delta', 'finish-step'].includes(part.type)) kinds.push(part.type);
    expect(kinds.slice(0, 4)).toEqual(['tool-input-start', 'tool-call', 'tool-result', 'finish-step']);
    expect(kinds).toContain('text-delta');
    expect(calls).toHaveLength(1);
    expect((await stream.steps).length).toBe(2);
  });

  it('a forced tool call the model cannot finish (token limit) is a typed error, and the tool is not run', async () => {
    calls.length = 0;
    const call = generateText({ model: gpt4all()(chatPath), tools, toolChoice: 'required', prompt: 'Weather?', temperature: 1, seed: 3, maxOutputTokens: 3, maxRetries: 0 });
    await expect(call).rejects.toMatchObject({ code: 'ERR_TOOL_CALL_INVALID', message: expect.stringMatching(/truncated/) });
    expect(calls).toHaveLength(0);
  });

  it('calls tools, then answers in a schema (Output.object): the SDK sends the schema on every step', async () => {
    calls.length = 0;
    const answer = z.object({ warm: z.boolean(), city: z.enum(['Paris', 'Lyon']) });
    const result = await generateText({
      model: gpt4all()(chatPath),
      tools,
      output: Output.object({ schema: answer }),
      stopWhen: stepCountIs(3),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'none' }),
      prompt: 'Is it warm in Paris?',
      temperature: 1,
      seed: 3,
      maxOutputTokens: 200,
    });
    expect(result.steps[0]!.toolCalls).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(answer.safeParse(result.output).success).toBe(true);
  });

  it("with toolChoice 'auto' and a schema, every step is a call or the schema's JSON", async () => {
    calls.length = 0;
    const answer = z.object({ warm: z.boolean() });
    const result = await generateText({
      model: gpt4all()(chatPath),
      tools,
      output: Output.object({ schema: answer }),
      stopWhen: stepCountIs(4),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'auto' }),
      prompt: 'Is it warm in Lyon?',
      temperature: 1,
      seed: 5,
      maxOutputTokens: 200,
    }).catch((error: unknown) => error as Error);
    // However many calls the model makes, each is a valid call and the last step (if it is not a
    // call) is the JSON; the run ends in an object unless all four steps were calls.
    const steps = 'steps' in result ? result.steps : [];
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      if (step.toolCalls.length > 0) expect(['Paris', 'Lyon']).toContain((step.toolCalls[0]!.input as { city: string }).city);
      else expect(answer.safeParse(JSON.parse(step.text)).success).toBe(true);
    }
    expect(calls.length).toBe(steps.filter((step) => step.toolCalls.length > 0).length);
  });
});
