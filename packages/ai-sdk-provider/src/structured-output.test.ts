// Objects from zod schemas through the `ai` package: the schema becomes a grammar, so even a
// random-weight model writes a valid object every time. Strings are bounded here: a random model
// rarely closes a string by itself, so an unbounded one runs to the token limit.
import { generateObject, generateText, Output, streamObject } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testModelPath } from '../test/models.js';
import { useProvider } from '../test/provider.js';

const gpt4all = useProvider();
let chatPath: string;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
});

const person = z.object({
  name: z.string().min(1).max(20),
  age: z.number().int().min(0).max(120),
  role: z.enum(['admin', 'user', 'guest']),
  tags: z.array(z.string().max(10)).max(3),
  ip: z.ipv4().optional(),
  born: z.iso.date(),
});

describe('structured output', () => {
  it('generateObject returns an object valid against a zod schema, at every seed', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { object, finishReason } = await generateObject({ model: gpt4all()(chatPath), schema: person, prompt: 'Invent a person.', temperature: 1, seed, maxOutputTokens: 600 });
      expect(finishReason).toBe('stop');
      expect(person.safeParse(object).success).toBe(true);
    }
  });

  it('streamObject streams partial objects and ends with a valid one', async () => {
    const stream = streamObject({ model: gpt4all()(chatPath), schema: person, prompt: 'Invent a person.', temperature: 1, seed: 7, maxOutputTokens: 600 });
    let partials = 0;
    for await (const partial of stream.partialObjectStream) {
      expect(typeof partial).toBe('object');
      partials++;
    }
    expect(partials).toBeGreaterThan(1);
    expect(person.safeParse(await stream.object).success).toBe(true);
  });

  it('an array output and generateText with Output.object are valid too', async () => {
    const { object } = await generateObject({ model: gpt4all()(chatPath), output: 'array', schema: z.object({ city: z.string().max(12) }), prompt: 'List cities.', temperature: 1, seed: 3, maxOutputTokens: 300 });
    expect(Array.isArray(object)).toBe(true);
    const { output } = await generateText({ model: gpt4all()(chatPath), output: Output.object({ schema: person }), prompt: 'Invent a person.', temperature: 1, seed: 9, maxOutputTokens: 600 });
    expect(person.safeParse(output).success).toBe(true);
  });

  it('zod string formats written with patterns (date-time, ipv4) are enforced', async () => {
    const visit = z.object({ seen: z.iso.datetime(), from: z.ipv4() });
    for (const seed of [11, 12]) {
      const { object } = await generateObject({ model: gpt4all()(chatPath), schema: visit, prompt: 'A visit.', temperature: 1, seed, maxOutputTokens: 600 });
      expect(visit.safeParse(object).success).toBe(true);
    }
  });

  it('recursive zod types (a getter that refers to the type itself: "$ref": "#") are enforced', async () => {
    interface Node {
      name: string;
      kids: Node[];
    }
    const node: z.ZodType<Node> = z.object({
      name: z.string().max(4),
      get kids() {
        return z.array(node).max(1);
      },
    });
    for (const seed of [4, 5]) {
      const { object } = await generateObject({ model: gpt4all()(chatPath), schema: node, prompt: 'A tree.', temperature: 1, seed, maxOutputTokens: 1500 });
      expect(node.safeParse(object).success).toBe(true);
    }
  });

  it('without a schema, JSON mode gives any JSON object', async () => {
    const { object } = await generateObject({ model: gpt4all()(chatPath), output: 'no-schema', prompt: 'Some JSON.', temperature: 1, seed: 2, maxOutputTokens: 200 });
    expect(object).not.toBeUndefined();
  });
});
