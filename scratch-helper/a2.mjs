import { QWEN, R1, LOOP, BERT, t } from './m.mjs';
import { createGpt4All } from '@gpt4all/ai-sdk-provider';
import { generateText, streamText, generateObject, streamObject, Output, jsonSchema } from 'ai';
import { z } from 'zod';
const g = createGpt4All({ threads: 1 });
const m = g(QWEN);
const common = { model: m, prompt: 'Make one.', temperature: 1, seed: 3, maxOutputTokens: 400 };
const S = (x) => z.string().max(x);
const schemas = {
  nested: z.object({ a: z.object({ b: z.object({ c: z.number().int().min(0).max(9) }) }), tags: z.array(S(8)).min(1).max(3) }),
  enums: z.object({ color: z.enum(['red', 'green']), n: z.literal(5), b: z.boolean() }),
  optional: z.object({ x: S(10).optional(), y: z.number().min(0).max(10).nullable() }),
  union: z.object({ v: z.union([z.number().int().min(0).max(99), S(5)]) }),
  discriminated: z.object({ shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), r: z.number().min(0).max(9) }), z.object({ kind: z.literal('sq'), s: z.number().min(0).max(9) })]) }),
  email: z.object({ email: z.email().max(40) }),
  datetime: z.object({ when: z.iso.datetime() }),
  date: z.object({ d: z.iso.date() }),
  uuid: z.object({ id: z.uuid() }),
  url: z.object({ u: z.url().max(40) }),
  regex: z.object({ code: z.string().regex(/^[A-Z]{3}-\d{2}$/) }),
  intRange: z.object({ n: z.number().int().min(-5).max(5), f: z.number().gt(0).lt(1) }),
  multipleOf: z.object({ n: z.number().int().multipleOf(5).min(0).max(100) }),
  arrayLen: z.object({ xs: z.array(z.number().int().min(0).max(9)).length(4) }),
  tuple: z.object({ t: z.tuple([z.number().int().min(0).max(9), z.boolean()]) }),
  record: z.object({ r: z.record(z.enum(['a','b']), z.number().int().min(0).max(3)) }),
  recordStr: z.object({ r: z.record(S(5), z.number().int().min(0).max(3)) }),
  topArray: z.array(z.object({ n: z.number().int().min(0).max(9) })).max(2),
  topString: S(10),
  topNumber: z.number().int().min(0).max(9),
  recursive: (() => { const N = z.object({ v: z.number().int().min(0).max(9), get kids() { return z.array(N).max(2); } }); return N; })(),
  stringMin: z.object({ s: z.string().min(3).max(6) }),
  nonNeg: z.object({ big: z.number().int().nonnegative().max(1e12) }),
  default: z.object({ s: S(5).default('x') }),
  intersect: z.intersection(z.object({ a: z.number().int().min(0).max(3) }), z.object({ b: z.boolean() })),
  strict: z.strictObject({ a: z.boolean() }),
  unicode: z.object({ 'ключ': z.boolean(), 'a"b': z.boolean() }),
  emptyObj: z.object({}),
  anyVal: z.object({ a: z.any() }),
};
const only = process.argv[2];
for (const [name, schema] of Object.entries(schemas)) {
  if (only && name !== only) continue;
  await t('generateObject ' + name, async () => (await generateObject({ ...common, schema })).object, 60000);
}
if (!only) {
await t('generateObject output array', async () => (await generateObject({ ...common, output: 'array', schema: z.object({ n: z.number().int().min(0).max(9) }) })).object, 60000);
await t('generateObject output enum', async () => (await generateObject({ ...common, output: 'enum', enum: ['yes', 'no'] })).object, 60000);
await t('generateObject no-schema', async () => (await generateObject({ ...common, output: 'no-schema', maxOutputTokens: 60 })).object, 60000);
await t('generateObject jsonSchema()', async () => (await generateObject({ ...common, schema: jsonSchema({ type: 'object', properties: { a: { type: 'integer', minimum: 0, maximum: 5 } }, required: ['a'], additionalProperties: false }) })).object, 60000);
await t('streamObject', async () => { const s = streamObject({ ...common, schema: schemas.nested }); const parts = []; for await (const p of s.partialObjectStream) parts.push(JSON.stringify(p)); return { n: parts.length, last: parts.at(-1), obj: await s.object }; }, 60000);
await t('Output.object generateText', async () => (await generateText({ ...common, output: Output.object({ schema: schemas.enums }) })).output, 60000);
await t('Output.object streamText', async () => { const s = streamText({ ...common, output: Output.object({ schema: schemas.enums }) }); for await (const _ of s.partialOutputStream); return await s.output; }, 60000);
await t('Output.array', async () => (await generateText({ ...common, output: Output.array({ element: z.object({ n: z.number().int().min(0).max(9) }) }) })).output, 60000);
await t('Output.choice', async () => (await generateText({ ...common, output: Output.choice({ options: ['a', 'b'] }) })).output, 60000);
await t('Output.json', async () => (await generateText({ ...common, maxOutputTokens: 60, output: Output.json() })).output, 60000);
await t('generateObject reasoner', async () => { const r = await generateObject({ ...common, model: g(R1), schema: schemas.enums }); return { o: r.object, reasoning: r.reasoning }; }, 60000);
await t('generateObject unbounded string small max tokens', async () => (await generateObject({ ...common, maxOutputTokens: 20, schema: z.object({ s: z.string() }) })).object, 60000);
}
await g.dispose();
