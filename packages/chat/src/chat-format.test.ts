import { parseCatalogEntry } from '@gpt4all/download';
import { fromModelMetadata, getPreset, renderChat, renderLegacyChat } from '@gpt4all/templates';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { greedy, loadOptions } from '../test/helpers.js';
import { resolveChatFormat, renderPrompt } from './chat-format.js';
import { ChatError, loadModel, type ChatMessage, type Model } from './index.js';

let chatPath: string;
let chatModel: Model;
let plainModel: Model;
beforeAll(async () => {
  chatPath = await testModelPath('chat');
  chatModel = await loadModel(chatPath, { ...loadOptions, catalog: false });
  plainModel = await loadModel(await testModelPath('plain'), { ...loadOptions, catalog: false });
});
afterAll(async () => {
  await chatModel?.dispose();
  await plainModel?.dispose();
});

const messages: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi!' },
];
const chatml = getPreset('chatml')!.template;
const zephyr = getPreset('zephyr')!.template;

describe('template precedence', () => {
  it("uses the model file's template when there is no other", () => {
    const chat = chatModel.createChatSession({ messages });
    expect(chat.templateSource).toBe('model');
    expect(chat.renderPrompt().text).toBe(renderChat(chatModel.info.chatTemplate!, messages, { addGenerationPrompt: true }));
  });

  it("prefers the catalog entry's template to the model's, and its system message", async () => {
    const entry = { name: 'Catalogued', filename: basename(chatPath), chatTemplate: zephyr, systemMessage: 'From the catalog.' };
    const model = await loadModel(chatPath, { ...loadOptions, catalog: [entry] });
    expect(model.catalogEntry?.name).toBe('Catalogued');
    const chat = model.createChatSession();
    expect(chat.templateSource).toBe('catalog');
    expect(chat.messages).toEqual([{ role: 'system', content: 'From the catalog.' }]);
    expect(chat.renderPrompt([...chat.messages, messages[1]!]).text).toBe(
      renderChat(zephyr, [{ role: 'system', content: 'From the catalog.' }, messages[1]!], { addGenerationPrompt: true, eosToken: '<|endoftext|>' }),
    );
    // The caller's template and system message win over the catalog's.
    const mine = model.createChatSession({ template: chatml, systemMessage: 'Mine.' });
    expect(mine.templateSource).toBe('user');
    expect(mine.messages).toEqual([{ role: 'system', content: 'Mine.' }]);
    expect(model.createChatSession({ systemMessage: null }).messages).toEqual([]);
    expect((await mine.send('Hi!', { ...greedy, maxTokens: 4 })).usage.completionTokens).toBeGreaterThan(0);
    await model.dispose();
  });

  it("uses a catalog entry's legacy template with its system prompt", async () => {
    const entry = {
      name: 'Legacy',
      filename: basename(chatPath),
      promptTemplate: '### Human:\n%1\n### Assistant:\n%2\n',
      systemPrompt: '### System:\nBe kind.\n\n',
    };
    const model = await loadModel(chatPath, { ...loadOptions, catalog: [entry] });
    const chat = model.createChatSession();
    expect(chat.templateSource).toBe('catalog');
    expect(chat.renderPrompt([{ role: 'user', content: 'Hi!' }]).text).toBe('### System:\nBe kind.\n\n### Human:\nHi!\n### Assistant:\n');
    await model.dispose();
  });
});

describe('templates', () => {
  it('runs a legacy %1/%2 template, with stop strings from its markers', async () => {
    const template = '### Human:\n%1\n### Assistant:\n%2\n';
    const chat = plainModel.createChatSession({ template, systemMessage: 'A chat.\n', ...greedy, maxTokens: 12 });
    expect(chat.stopStrings).toEqual(expect.arrayContaining(['### Human:']));
    const reply = await chat.send('Hello!');
    const prompt = renderLegacyChat({ promptTemplate: template }, chat.messages.slice(0, -1), { addGenerationPrompt: true });
    expect(prompt).toBe('A chat.\n### Human:\nHello!\n### Assistant:\n');
    expect(reply.usage.promptTokens).toBe(plainModel.engine.tokenize(prompt, { special: true, addSpecial: true }).length);
    const second = await chat.send('More?');
    expect(second.usage.cachedTokens).toBeGreaterThanOrEqual(reply.usage.promptTokens);
    await chat.dispose();
  });

  it('fails clearly for a model with no template, and accepts a preset instead', async () => {
    let error: unknown;
    try {
      plainModel.createChatSession();
    } catch (e) {
      error = e;
    }
    expect(ChatError.isInstance(error)).toBe(true);
    expect((error as ChatError).code).toBe('ERR_NO_CHAT_TEMPLATE');
    expect((error as Error).message).toMatch(/Pass `template`/);

    const chat = plainModel.createChatSession({ template: 'llama2', ...greedy, maxTokens: 6 });
    expect(chat.templateSource).toBe('user');
    expect(chat.stopStrings).toEqual(expect.arrayContaining(['[INST]', '</s>']));
    const text = chat.renderPrompt([{ role: 'user', content: 'Hi!' }]).text;
    expect(text).toBe(renderChat(getPreset('llama2')!.template, [{ role: 'user', content: 'Hi!' }], { addGenerationPrompt: true, bosToken: '<s>', eosToken: '</s>' }));
    // The template prints BOS itself: the prompt must not get a second one.
    const { tokens } = chat.renderPrompt([{ role: 'user', content: 'Hi!' }]);
    expect(tokens.filter((t) => t === tokens[0])).toHaveLength(1);
    expect((await chat.send('Hi!')).usage.promptTokens).toBe(tokens.length);
  });

  it('rejects invalid options up front', () => {
    expect(() => chatModel.createChatSession({ temperature: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => chatModel.createChatSession({ contextOverflow: 'truncate' as never })).toThrow(/contextOverflow/);
    expect(() => chatModel.createChatSession({ template: '{% if %}' })).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_SYNTAX' }));
    // A mistyped preset name is an error naming the presets, not a template that prints the name.
    expect(() => chatModel.createChatSession({ template: 'ChatML' })).toThrow(
      expect.objectContaining({ code: 'ERR_TEMPLATE_INVALID', message: expect.stringContaining('chatml') }),
    );
  });
});

describe("GPT4All's catalog", () => {
  const catalogFile = new URL('../../../../shared/fixtures/gpt4all/models3.json', import.meta.url);
  it.skipIf(!existsSync(catalogFile))('renders a chat with the template of every chat model it lists', () => {
    const raw = JSON.parse(readFileSync(catalogFile, 'utf8')) as unknown[];
    // Catalog templates print the model's BOS token: stand-ins play the model file's part.
    const noModelTemplate = { format: fromModelMetadata({}, { bosToken: '<s>', eosToken: '</s>' }), endOfTurn: [] };
    let checked = 0;
    const dropsTheMessage: string[] = [];
    for (const item of raw) {
      const parsed = parseCatalogEntry(item);
      if (!('entry' in parsed) || parsed.entry.embeddingModel || (!parsed.entry.chatTemplate && !parsed.entry.promptTemplate)) continue;
      const format = resolveChatFormat(noModelTemplate, parsed.entry, undefined, parsed.entry.name);
      expect(format.source).toBe('catalog');
      const text = renderPrompt(format, [{ role: 'user', content: 'Hello from the test.' }]);
      if (!text.includes('Hello from the test.')) dropsTheMessage.push(parsed.entry.name);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    // Wizard v1.2's catalog template loops over `loop_messages`, which it never sets: it renders
    // no message at all, in GPT4All too. Callers of that model should pass their own `template`.
    expect(dropsTheMessage).toEqual(['Wizard v1.2']);
  });
});
