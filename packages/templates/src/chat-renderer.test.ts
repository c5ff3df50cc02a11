import { describe, expect, it } from 'vitest';
import { createChatRenderer, presetRenderer } from './chat-renderer.js';
import { legacyToJinja, renderLegacyChat } from './legacy-template.js';
import { getPreset } from './presets.js';
import { renderChat, type ChatMessage } from './render-chat.js';
import { TemplateError } from './template-error.js';

const messages: ChatMessage[] = [
  { role: 'user', content: 'Hello' },
  { role: 'assistant', content: 'Hi' },
  { role: 'user', content: 'Bye' },
];

describe('chat renderers', () => {
  it('renders a preset with its stop strings and the EOS text', () => {
    const renderer = presetRenderer('zephyr', { bosToken: '<s>', eosToken: '</s>' });
    expect(renderer).toMatchObject({ kind: 'preset', presetName: 'zephyr' });
    expect(renderer.render(messages, { addGenerationPrompt: true })).toBe(
      renderChat(getPreset('zephyr')!.template, messages, {
        addGenerationPrompt: true,
        bosToken: '<s>',
        eosToken: '</s>',
      }),
    );
    expect(renderer.stopStrings).toEqual([...new Set([...getPreset('zephyr')!.stopStrings, '</s>'])]);
    expect(() => presetRenderer('nope' as never)).toThrow(TemplateError);
  });

  it('renders legacy templates and derives stop strings from the turn markers', () => {
    const legacy = { promptTemplate: '<|user|>\n%1<|end|>\n<|assistant|>\n%2<|end|>\n', systemPrompt: '' };
    const renderer = createChatRenderer(legacy);
    expect(renderer.kind).toBe('legacy');
    expect(renderer.render(messages, { addGenerationPrompt: true })).toBe(
      renderLegacyChat(legacy, messages, { addGenerationPrompt: true }),
    );
    expect(renderer.template).toBe(legacyToJinja(legacy));
    expect(renderer.stopStrings).toEqual(['<|end|>', '<|user|>']);
    expect(createChatRenderer('Q: %1\nA:').kind).toBe('legacy');
  });

  it("lets a render call's BOS/EOS texts win over the renderer's own", () => {
    const renderer = presetRenderer('llama3', { bosToken: '<s>', eosToken: '</s>' });
    expect(renderer.render(messages).startsWith('<s><|start_header_id|>')).toBe(true);
    expect(renderer.render(messages, { bosToken: '<|begin_of_text|>' }).startsWith('<|begin_of_text|><|start_header_id|>')).toBe(true);
    // An option left undefined keeps the renderer's.
    expect(renderer.render(messages, { bosToken: undefined }).startsWith('<s>')).toBe(true);
  });

  it('recognises a Jinja template and keeps rendering it exactly', () => {
    const source = getPreset('chatml')!.template.replace('<|im_end|>', '<|im_end|>');
    const renderer = createChatRenderer(source, { eosToken: '<|endoftext|>' });
    expect(renderer).toMatchObject({ kind: 'jinja', presetName: 'chatml', template: source });
    expect(renderer.stopStrings).toContain('<|endoftext|>');
  });
});
