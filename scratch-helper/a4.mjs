import { QWEN, R1, LOOP, t } from './m.mjs';
import { createGpt4All } from '@gpt4all/ai-sdk-provider';
import { generateText, streamText, tool, stepCountIs, hasToolCall, jsonSchema, dynamicTool } from 'ai';
import { z } from 'zod';
const g = createGpt4All({ threads: 1 });
const m = g(QWEN);
const weather = tool({ description: 'weather', inputSchema: z.object({ city: z.enum(['Paris', 'Tokyo']) }), execute: async ({ city }) => ({ city, t: 20 }) });
const add = tool({ description: 'add', inputSchema: z.object({ a: z.number().int().min(0).max(9), b: z.number().int().min(0).max(9) }), execute: async ({ a, b }) => a + b });
const noexec = tool({ description: 'ask', inputSchema: z.object({ q: z.enum(['x', 'y']) }) });
const common = { model: m, prompt: 'Use tools.', temperature: 1, seed: 3, maxOutputTokens: 100 };
const sum = (r) => ({ steps: r.steps.map((s) => ({ fr: s.finishReason, calls: s.toolCalls.map((c) => c.toolName + JSON.stringify(c.input)), results: s.toolResults.map((x) => JSON.stringify(x.output)), text: s.text.slice(0, 30), usage: s.usage.inputTokens + '/' + s.usage.inputTokenDetails?.cacheReadTokens })) });
await t('required, 3 steps', async () => sum(await generateText({ ...common, tools: { weather, add }, toolChoice: 'required', stopWhen: stepCountIs(3) })), 60000);
await t('prepareStep', async () => sum(await generateText({ ...common, tools: { weather, add }, prepareStep: ({ stepNumber }) => stepNumber === 0 ? { toolChoice: { type: 'tool', toolName: 'add' } } : stepNumber === 1 ? { toolChoice: 'required', activeTools: ['weather'] } : { toolChoice: 'none' }, stopWhen: stepCountIs(4) })), 60000);
await t('specific tool', async () => sum(await generateText({ ...common, tools: { weather, add }, toolChoice: { type: 'tool', toolName: 'weather' } })), 60000);
await t('none', async () => sum(await generateText({ ...common, tools: { weather, add }, toolChoice: 'none' })), 60000);
await t('auto', async () => sum(await generateText({ ...common, tools: { weather, add }, toolChoice: 'auto', stopWhen: stepCountIs(3) })), 60000);
await t('hasToolCall stop', async () => sum(await generateText({ ...common, tools: { weather, add }, toolChoice: 'required', stopWhen: hasToolCall('add') })), 60000);
await t('no-execute tool', async () => sum(await generateText({ ...common, tools: { noexec }, toolChoice: 'required', stopWhen: stepCountIs(3) })), 60000);
await t('stream tools multi-step', async () => { const s = streamText({ ...common, tools: { weather, add }, toolChoice: 'required', stopWhen: stepCountIs(2) }); const parts = []; for await (const p of s.fullStream) parts.push(p.type); return { parts: parts.join(','), steps: (await s.steps).length, calls: (await s.steps)[0].toolCalls.map((c) => JSON.stringify(c.input)) }; }, 60000);
await t('tool throwing', async () => sum(await generateText({ ...common, tools: { boom: tool({ inputSchema: z.object({ a: z.boolean() }), execute: async () => { throw new Error('kaboom'); } }) }, toolChoice: 'required', stopWhen: stepCountIs(2) })), 60000);
await t('jsonSchema tool', async () => sum(await generateText({ ...common, tools: { j: tool({ inputSchema: jsonSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 3 } }, required: ['n'] }), execute: async (x) => x }) }, toolChoice: 'required' })), 60000);
await t('tool no params', async () => sum(await generateText({ ...common, tools: { now: tool({ description: 'time', inputSchema: z.object({}), execute: async () => 'noon' }) }, toolChoice: 'required', stopWhen: stepCountIs(2) })), 60000);
await t('dynamicTool', async () => sum(await generateText({ ...common, tools: { d: dynamicTool({ description: 'd', inputSchema: z.object({ k: z.enum(['a']) }), execute: async (x) => x }) }, toolChoice: 'required' })), 60000);
await t('tool unbounded string required', async () => sum(await generateText({ ...common, tools: { s: tool({ inputSchema: z.object({ s: z.string() }), execute: async (x) => x }) }, toolChoice: 'required', maxOutputTokens: 30 })), 60000);
await t('tool name weird', async () => sum(await generateText({ ...common, tools: { 'my-tool.v2': tool({ inputSchema: z.object({ a: z.boolean() }), execute: async (x) => x }) }, toolChoice: 'required' })), 60000);
await t('provider-defined tool warning', async () => { const r = await generateText({ ...common, maxOutputTokens: 5, tools: { ws: { type: 'provider', id: 'openai.web_search', args: {}, inputSchema: z.object({}) } } }); return r.warnings; }, 60000);
await t('history with tool call + result', async () => { const r = await generateText({ model: m, maxOutputTokens: 10, tools: { weather }, messages: [
  { role: 'user', content: 'weather in Paris?' },
  { role: 'assistant', content: [{ type: 'text', text: 'Checking' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'json', value: { t: 20 } } }] },
] }); return { text: r.text, usage: r.usage.inputTokens }; }, 60000);
await t('history tool result content w/ image', async () => { const r = await generateText({ model: m, maxOutputTokens: 10, tools: { weather }, messages: [
  { role: 'user', content: 'weather in Paris?' },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'content', value: [{ type: 'text', text: 'ok' }, { type: 'image-data', data: 'AAAA', mediaType: 'image/png' }] } }] },
] }); return r.text; }, 60000);
await t('history with tool call, no tools in call', async () => { const r = await generateText({ model: m, maxOutputTokens: 10, messages: [
  { role: 'user', content: 'weather in Paris?' },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'text', value: '20C' } }] },
] }); return r.text; }, 60000);
await t('reasoner multi-turn with reasoning part', async () => { const r = await generateText({ model: g(R1), maxOutputTokens: 30, temperature: 0, messages: [
  { role: 'user', content: '1+1?' }, { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: '2' }] }, { role: 'user', content: '2+2?' }] }); return { text: r.text, reasoning: r.reasoningText }; }, 60000);
await g.dispose();
