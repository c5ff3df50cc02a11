import { describe, expect, it } from 'vitest';
import { fromModelMetadata } from './model-metadata.js';
import { getPreset } from './presets.js';
import { renderChat, type ChatMessage } from './render-chat.js';

const tokens = ['<unk>', '<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', 'hello'];
const llama3 = getPreset('llama3')!.template;
const messages: ChatMessage[] = [{ role: 'user', content: 'Hi there' }];

describe('fromModelMetadata', () => {
  it('reads the template and the BOS/EOS texts from the token list', () => {
    const format = fromModelMetadata({
      'tokenizer.chat_template': llama3,
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.bos_token_id': 1,
      'tokenizer.ggml.eos_token_id': 2,
      'tokenizer.ggml.eot_token_id': 3,
      'tokenizer.ggml.add_bos_token': true,
    });
    expect(format.addBosToken).toBe(true);
    expect(format).toMatchObject({ chatTemplate: llama3, bosToken: tokens[1], eosToken: tokens[2], warnings: [] });
    expect(format.detection?.preset?.name).toBe('llama3');
    expect(format.renderer?.render(messages, { addGenerationPrompt: true })).toBe(
      renderChat(llama3, messages, { addGenerationPrompt: true, bosToken: tokens[1], eosToken: tokens[2] }),
    );
    expect(format.stopStrings).toEqual(
      expect.arrayContaining([tokens[2], tokens[3], ...getPreset('llama3')!.stopStrings]),
    );
  });

  it('accepts a Map, bigint ids and explicit token texts', () => {
    const metadata = new Map<string, unknown>([
      ['tokenizer.chat_template', llama3],
      ['tokenizer.ggml.tokens', tokens],
      ['tokenizer.ggml.bos_token_id', 1n],
      ['tokenizer.ggml.eos_token_id', 2n],
    ]);
    expect(fromModelMetadata(metadata)).toMatchObject({ bosToken: tokens[1], eosToken: tokens[2] });
    expect(fromModelMetadata(metadata, { bosToken: '[B]', eosToken: '[E]' })).toMatchObject({
      bosToken: '[B]',
      eosToken: '[E]',
    });
  });

  it('exposes named templates and selects one by name', () => {
    const toolUse = '{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}';
    const format = fromModelMetadata(
      {
        'tokenizer.chat_template': llama3,
        'tokenizer.chat_template.tool_use': toolUse,
        'tokenizer.ggml.tokens': tokens,
        'tokenizer.ggml.bos_token_id': 1,
      },
      { templateName: 'tool_use' },
    );
    expect(format.namedTemplates).toEqual({ tool_use: toolUse });
    expect(Object.keys(format.renderers).sort()).toEqual(['default', 'tool_use']);
    expect(format.renderer?.render(messages)).toBe(renderChat(toolUse, messages, { bosToken: tokens[1] }));
    expect(format.detection?.kind).toBe('jinja');
  });

  it("adds the end-of-turn and end-of-message tokens' texts to the stop strings", () => {
    const custom = '{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}';
    const format = fromModelMetadata({
      'tokenizer.chat_template': custom,
      'tokenizer.ggml.tokens': ['<s>', '</s>', '<end_turn>', '<end_message>'],
      'tokenizer.ggml.eos_token_id': 1,
      'tokenizer.ggml.eot_token_id': 2,
      'tokenizer.ggml.eom_token_id': 3,
    });
    expect(format.detection?.kind).toBe('jinja');
    expect(format.stopStrings).toEqual(['</s>', '<end_turn>', '<end_message>']);
    expect(format.renderer?.stopStrings).toEqual(format.stopStrings);
  });

  it('reports problems as warnings instead of failing', () => {
    const format = fromModelMetadata({
      'tokenizer.chat_template.broken': '{% if %}',
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.bos_token_id': 99,
    });
    expect(format.renderer).toBeUndefined();
    expect(format.bosToken).toBeUndefined();
    expect(format.warnings.map((warning) => warning.code).sort()).toEqual([
      'WARN_NO_CHAT_TEMPLATE',
      'WARN_TEMPLATE_INVALID',
      'WARN_TOKEN_NOT_FOUND',
    ]);
    const unknownName = fromModelMetadata({ 'tokenizer.chat_template': llama3 }, { templateName: 'rag' });
    expect(unknownName.warnings.map((warning) => warning.code)).toEqual(['WARN_TEMPLATE_NAME_UNKNOWN']);
    expect(unknownName.renderer).toBe(unknownName.renderers.default);
  });
});
