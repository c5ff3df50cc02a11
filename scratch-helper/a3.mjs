import { QWEN, t } from './m.mjs';
import { createGpt4All } from '@gpt4all/ai-sdk-provider';
import { generateText, generateObject, Output } from 'ai';
import { z } from 'zod';
const g = createGpt4All({ threads: 1 });
const m = g(QWEN);
const common = { model: m, prompt: 'Make one.', temperature: 1, seed: 3, maxOutputTokens: 400 };
for (const [name, schema] of Object.entries({ anyVal: z.object({ a: z.any() }), email: z.object({ e: z.email() }), rec: z.object({ r: z.record(z.string(), z.boolean()) }), url: z.object({ u: z.url() }), ipv4: z.object({ ip: z.ipv4() }) })) {
  console.log(name, JSON.stringify(z.toJSONSchema(schema)));
  await t(name, async () => { try { return (await generateObject({ ...common, schema })).object; } catch (e) { return { err: e.message, text: e.text?.slice(0, 200), fr: e.finishReason }; } }, 60000);
}
await t('Output.json', async () => { try { return (await generateText({ ...common, maxOutputTokens: 60, output: Output.json() })).output; } catch (e) { return { err: e.message, text: e.text?.slice(0, 200), fr: e.finishReason }; } }, 60000);
await t('Output.json 400', async () => { try { return (await generateText({ ...common, maxOutputTokens: 400, output: Output.json() })).output; } catch (e) { return { err: e.message, text: e.text?.slice(0, 200), fr: e.finishReason }; } }, 60000);
await g.dispose();
