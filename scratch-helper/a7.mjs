import { QWEN, LOOP, BERT, t } from './m.mjs';
import { createGpt4All } from '@gpt4all/ai-sdk-provider';
import { generateText, streamText, embed } from 'ai';
const g2 = createGpt4All({ threads: 1 });
const m2 = g2(LOOP);
await generateText({ model: m2, prompt: 'warm', maxOutputTokens: 1 });
const s = streamText({ model: m2, prompt: 'hi', maxOutputTokens: 100000, onError: ({ error }) => console.log('onError', error?.code, error?.message) });
const parts = [];
setTimeout(() => g2.dispose().then(() => console.log('disposed')), 100);
for await (const p of s.fullStream) { if (p.type !== 'text-delta') parts.push(p.type + (p.type === 'finish' ? ':' + p.finishReason : '') + (p.type === 'error' ? ':' + p.error?.message : '')); }
console.log(parts.join(','), 'finishReason', await s.finishReason, 'text len', (await s.text).length);
const g = createGpt4All({ threads: 1 });
console.log('embed dimensions 8 ->', (await embed({ model: g.embeddingModel(BERT), value: 'x', dimensions: 8 })).embedding.length);
// long prompt without maxOutputTokens
await t('1900-token prompt, no maxOutputTokens', async () => { const r = await generateText({ model: g(LOOP), prompt: 'word '.repeat(1900) }); return { in: r.usage.inputTokens, out: r.usage.outputTokens, fr: r.finishReason }; }, 120000);
await t('short prompt, no maxOutputTokens (LOOP never stops)', async () => { const r = await generateText({ model: g(LOOP), prompt: 'hi' }); return { in: r.usage.inputTokens, out: r.usage.outputTokens, fr: r.finishReason }; }, 120000);
await g.dispose();
