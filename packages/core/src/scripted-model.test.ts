// Scripted test models (@gpt4all/test-models `script`) emit exactly the tokens they are built for.
// This proves it with llama.cpp for every decoder architecture the test models cover, so other
// tests can rely on a scripted model to say precisely what they need.
import {
  ARCHITECTURE_NAMES,
  ARCHITECTURES,
  ensureTestModel,
  listVendoredVocabularies,
  loadVocabulary,
  resolveModelScript,
  spellText,
  vocabularyTokens,
  type ModelScript,
} from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { loadModel } from './index.js';

const decoders = ARCHITECTURE_NAMES.filter((name) => !ARCHITECTURES[name].embeddingOnly);
const script: ModelScript = { emit: ['Sure thing.', ' What next?'] };

describe('a scripted model', () => {
  it.each(decoders)('emits exactly its script, then ends (%s)', async (architecture) => {
    const vocab = ARCHITECTURES[architecture].defaultVocab;
    const expected = resolveModelScript(loadVocabulary(vocab), script);
    await using model = await loadModel(await ensureTestModel({ architecture, script }));
    await using context = await model.createContext({ contextSize: 128, threads: 1 });

    const greedy = await context.generate('Any prompt at all', { temperature: 0, maxTokens: 32 });
    expect(greedy.tokens).toEqual(expected.tokens);
    expect(greedy.text).toBe('Sure thing. What next?');
    expect(greedy.finishReason).toBe('eog');

    // The winning logit is far ahead: sampling and a repeat penalty follow the script too.
    const sampled = await context.generate('Something else', { temperature: 1, seed: 3, repeatPenalty: 1.3, maxTokens: 32 });
    expect(sampled.tokens).toEqual(expected.tokens);
  });

  it('continues from a prompt that ends inside the script, and loops through `then`', async () => {
    const looping: ModelScript = { emit: ['one', ' two', ' three'], then: 'one' };
    const { tokens } = resolveModelScript(loadVocabulary('llama-bpe'), looping);
    await using model = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-bpe', script: looping }));
    await using context = await model.createContext({ contextSize: 128, threads: 1 });

    const loop = await context.generate('Count:', { temperature: 0, maxTokens: 7 });
    expect(loop.text).toBe('one two threeone two threeone');
    expect(loop.finishReason).toBe('length');

    // The next token depends on the last prompt token alone: ' two' is followed by ' three'.
    const resumed = await context.generate([1000, tokens[1]!], { temperature: 0, maxTokens: 2 });
    expect(resumed.text).toBe(' threeone');
  });
});

describe('spellText', () => {
  const text = 'Sure thing.\n  Ünïcödé — 日本語 🦙 <|im_start|>\tok';
  const spellable = listVendoredVocabularies().filter((name) => ['llama', 'gpt2', 'gemma4'].includes(vocabularyTokens(loadVocabulary(name)).model));

  it('covers every vendored vocabulary with a SentencePiece or byte-level tokenizer', () => {
    expect(spellable.length).toBeGreaterThanOrEqual(15);
    expect(spellable).toEqual(expect.arrayContaining(['llama-spm', 'llama-bpe', 'qwen2', 'phi-3', 'gemma-4', 'gpt-2']));
  });

  it.each(spellable)("gives ids that llama.cpp decodes to exactly the text (%s)", async (name) => {
    const vocab = loadVocabulary(name);
    await using model = await loadModel(vocab.path, { vocabOnly: true });
    expect(model.detokenize(spellText(vocab, text))).toBe(text);
  });
});
