// The language model through the `ai` package's own functions, on real GGUF files.
import { createCompletion, loadModel, type Model } from '@gpt4all/chat';
import { generateText, streamText, type ModelMessage, type ToolSet } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOptions, testModelPath } from '../test/models.js';
import { useProvider } from '../test/provider.js';
import { createGpt4All } from './index.js';

const gpt4all = useProvider({ parallel: 2 });
let chatPath: string;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
});

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const greedy = { temperature: 0, seed: 1 } as const;

describe('generateText and streamText', () => {
  it('stream the same text that generateText returns at temperature 0, with usage and timings', async () => {
    const model = gpt4all()(chatPath);
    const prompt = 'Name three colours.';
    const generated = await generateText({ model, prompt, maxOutputTokens: 24, ...greedy });
    expect(generated.text.length).toBeGreaterThan(0);
    expect(generated.usage.outputTokens).toBeGreaterThan(0);
    expect(generated.usage.inputTokens).toBeGreaterThan(5);
    expect(generated.finishReason).toMatch(/^(stop|length)$/);
    const timings = generated.providerMetadata?.gpt4all?.timings as { tokensPerSecond: number; promptMs: number };
    expect(timings.tokensPerSecond).toBeGreaterThan(0);
    expect(timings.promptMs).toBeGreaterThanOrEqual(0);

    const streamed = streamText({ model, prompt, maxOutputTokens: 24, ...greedy });
    const deltas: string[] = [];
    for await (const delta of streamed.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(generated.text);
    expect(await streamed.text).toBe(generated.text);
    expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
    expect(await streamed.finishReason).toBe(generated.finishReason);
  });

  it('answers as @gpt4all/chat does for the same messages (system, user, assistant turns)', async () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: [{ type: 'text', text: 'Tell me ' }, { type: 'text', text: 'a joke.' }] },
    ];
    const generated = await generateText({ model: gpt4all()(chatPath), system: 'Be brief.', messages, maxOutputTokens: 16, ...greedy });
    await using direct = await loadModel(chatPath, loadOptions);
    const expected = await createCompletion(
      direct,
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Tell me a joke.' },
      ],
      { maxTokens: 16, ...greedy },
    );
    expect(generated.text).toBe(expected.choices[0].message.content);
    expect(generated.usage.inputTokens).toBe(expected.usage.prompt_tokens);
  });

  it('reuses the KV cache when a conversation grows by a turn', async () => {
    const model = gpt4all()(chatPath);
    const first = await generateText({ model, prompt: 'Count to three.', maxOutputTokens: 8, ...greedy });
    const second = await generateText({
      model,
      messages: [{ role: 'user', content: 'Count to three.' }, ...first.response.messages, { role: 'user', content: 'And to four?' }],
      maxOutputTokens: 8,
      ...greedy,
    });
    expect(second.usage.inputTokenDetails.cacheReadTokens).toBeGreaterThan(10);
    expect(second.usage.inputTokenDetails.noCacheTokens).toBe(second.usage.inputTokens! - second.usage.inputTokenDetails.cacheReadTokens!);
  });

  it('keeps a thinking model’s reasoning apart from the answer, streamed and not', async () => {
    const model = gpt4all()(await testModelPath('reasoner'));
    const generated = await generateText({ model, prompt: 'What is 2 + 2?', maxOutputTokens: 40, ...greedy });
    expect(generated.reasoningText).toContain('Let me think');
    expect(generated.text).toContain('The answer is 4.');
    expect(generated.text).not.toContain('</think>');
    const streamed = streamText({ model, prompt: 'What is 2 + 2?', maxOutputTokens: 40, ...greedy });
    const kinds: string[] = [];
    for await (const part of streamed.fullStream) if (part.type === 'reasoning-start' || part.type === 'text-start') kinds.push(part.type);
    expect(kinds).toEqual(['reasoning-start', 'text-start']);
    expect(await streamed.reasoningText).toBe(generated.reasoningText);
    expect(await streamed.text).toBe(generated.text);
  });

  it('ends at a stop sequence, which is not in the text', async () => {
    const model = gpt4all()(await testModelPath('looper'));
    const { text, finishReason } = await generateText({ model, prompt: 'Go.', stopSequences: [' pong ping'], maxOutputTokens: 40, ...greedy });
    expect(text).toBe(' ping');
    expect(finishReason).toBe('stop');
  });

  it('stops generateText and streamText through abortSignal', async () => {
    const model = gpt4all()(await testModelPath('looper'));
    const aborting = new AbortController();
    setTimeout(() => aborting.abort(), 300);
    await expect(generateText({ model, prompt: 'Go.', maxOutputTokens: 100_000, abortSignal: aborting.signal, maxRetries: 0 })).rejects.toMatchObject({ name: 'AbortError' });

    const streaming = new AbortController();
    let aborted = false;
    const stream = streamText({ model, prompt: 'Go.', maxOutputTokens: 100_000, abortSignal: streaming.signal, onAbort: () => void (aborted = true) });
    let text = '';
    for await (const delta of stream.textStream) {
      text += delta;
      if (text.length > 20) streaming.abort();
    }
    expect(aborted).toBe(true);
    expect(text.startsWith(' ping pong')).toBe(true);
    // The model is free again at once: a later call runs.
    const after = await generateText({ model, prompt: 'Go.', maxOutputTokens: 2, ...greedy });
    expect(after.text).toBe(' ping pong');
  });

  it('rejects a prompt longer than the context with ContextOverflowError, and files it cannot read', async () => {
    const model = gpt4all()(chatPath);
    await expect(generateText({ model, prompt: 'word '.repeat(40_000), maxRetries: 0 })).rejects.toMatchObject({ code: 'ERR_CONTEXT_OVERFLOW' });
    const image = { type: 'file' as const, data: new Uint8Array([137, 80, 78, 71]), mediaType: 'image/png' };
    await expect(generateText({ model, messages: [{ role: 'user', content: [image] }], maxRetries: 0 })).rejects.toThrow(/file parts of type 'image\/png'/);
    // Text files are read: inline text, or the bytes of a text/* file, as the same prompt.
    const usageOf = async (file: { type: 'file'; data: unknown; mediaType: string }) =>
      (await generateText({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'Read: ' }, file as never] }], maxOutputTokens: 1, ...greedy })).usage.inputTokens;
    const inline = await usageOf({ type: 'file', data: { type: 'text', text: 'The sky is green.' }, mediaType: 'text/plain' });
    expect(inline).toBeGreaterThan(10);
    expect(await usageOf({ type: 'file', data: new TextEncoder().encode('The sky is green.'), mediaType: 'text/plain' })).toBe(inline);
    expect(await usageOf({ type: 'file', data: Buffer.from('The sky is green.').toString('base64'), mediaType: 'text/markdown' })).toBe(inline);
  });

  it('reports a model that cannot be found as a typed error; an aborted call does not wait for a load', async () => {
    const missing = gpt4all()('/nonexistent/model.gguf');
    await expect(generateText({ model: missing, prompt: 'Hi', maxRetries: 0 })).rejects.toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
    await using fresh = createGpt4All(loadOptions);
    const reason = new Error('user left');
    await expect(generateText({ model: fresh(chatPath), prompt: 'Hi', abortSignal: AbortSignal.abort(reason), maxRetries: 0 })).rejects.toBe(reason);
  });

  it('warns about what a local model has no equivalent for', async () => {
    const webSearch = { type: 'provider' as const, id: 'openai.web_search' as const, name: 'web_search', args: {} };
    const result = await generateText({ model: gpt4all()(chatPath), prompt: 'Hi', maxOutputTokens: 2, reasoning: 'high', tools: { web_search: webSearch } as unknown as ToolSet, ...greedy });
    expect(result.warnings?.map((w) => ('feature' in w ? w.feature : ''))).toEqual(["provider-defined tool 'openai.web_search'", 'reasoning']);
  });

  it('takes llama.cpp samplers and a GBNF grammar through providerOptions.gpt4all', async () => {
    const { text } = await generateText({
      model: gpt4all()(chatPath),
      prompt: 'Answer yes or no.',
      providerOptions: { gpt4all: { grammar: 'root ::= "yes" | "no"', minP: 0.1 } },
      temperature: 1,
      seed: 4,
    });
    expect(['yes', 'no']).toContain(text);
  });

  it('runs concurrent calls together on the shared context', async () => {
    const model = gpt4all()(chatPath);
    const prompts = ['One', 'Two', 'Three'];
    const alone: string[] = [];
    for (const prompt of prompts) alone.push((await generateText({ model, prompt, maxOutputTokens: 12, ...greedy })).text);
    const together = await Promise.all(prompts.map((prompt) => generateText({ model, prompt, maxOutputTokens: 12, ...greedy })));
    expect(together.map((r) => r.text)).toEqual(alone);
  });
});

describe('models passed in', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel(chatPath, loadOptions);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('uses a Model loaded by the caller and leaves it loaded after dispose()', async () => {
    const provider = createGpt4All();
    const languageModel = provider(model);
    expect(languageModel.modelId).toBe(model.displayName);
    const { text } = await generateText({ model: languageModel, prompt: 'Hi', maxOutputTokens: 3, ...greedy });
    expect(text.length).toBeGreaterThan(0);
    await provider.dispose();
    expect((await model.complete('Hi', { maxTokens: 1 })).usage.completionTokens).toBe(1);
    expect(() => provider.imageModel('x')).toThrow(/language and embedding models only/);
  });
});
