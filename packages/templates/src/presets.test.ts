import { describe, expect, it } from 'vitest';
import { compileTemplate } from './compile-template.js';
import { detectTemplate } from './detect-template.js';
import { getPreset, isPresetName, PRESETS } from './presets.js';
import { renderChat, type ChatMessage } from './render-chat.js';

const conversation: ChatMessage[] = [
  { role: 'system', content: 'SYSTEM-TEXT' },
  { role: 'user', content: 'USER-ONE' },
  { role: 'assistant', content: 'ASSISTANT-ONE' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'USER-' },
      { type: 'text', text: 'TWO' },
    ],
  },
];
const tokens = { bosToken: '<BOS>', eosToken: '<EOS>' };

describe('presets', () => {
  it('cover the families GPT4All users need', () => {
    const names = PRESETS.map((preset) => preset.name);
    for (const name of [
      'chatml',
      'llama2',
      'llama3',
      'mistral',
      'phi3',
      'gemma',
      'alpaca',
      'vicuna',
      'zephyr',
      'deepseek',
      'qwen',
    ]) {
      expect(names).toContain(name);
      expect(isPresetName(name)).toBe(true);
    }
    expect(getPreset('nope')).toBeUndefined();
  });

  for (const preset of PRESETS) {
    describe(preset.name, () => {
      it('compiles, with every variant', () => {
        for (const source of [preset.template, ...Object.values(preset.variants)])
          expect(() => compileTemplate(source)).not.toThrow();
      });

      it('renders every message, in order, and accepts content parts', () => {
        const output = renderChat(preset.template, conversation, { ...tokens, addGenerationPrompt: true });
        const positions = ['USER-ONE', 'ASSISTANT-ONE', 'USER-TWO'].map((text) => output.indexOf(text));
        expect(positions.every((position) => position >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(output).toContain('SYSTEM-TEXT');
      });

      it('adds the generation prompt only when asked', () => {
        const messages = conversation.slice(0, 2);
        const withPrompt = renderChat(preset.template, messages, { ...tokens, addGenerationPrompt: true });
        const without = renderChat(preset.template, messages, { ...tokens, addGenerationPrompt: false });
        expect(withPrompt.length).toBeGreaterThanOrEqual(without.length);
      });

      it('has stop strings that a reply would end with', () => {
        expect(preset.stopStrings.length).toBeGreaterThan(0);
        // What follows a reply in the prompt starts with a stop string (or the EOS token).
        const finished = renderChat(preset.template, conversation, tokens);
        const afterReply = finished.slice(finished.indexOf('ASSISTANT-ONE') + 'ASSISTANT-ONE'.length);
        const markers = [...preset.stopStrings, tokens.eosToken];
        expect(
          markers.some((marker) => afterReply.trimStart().startsWith(marker)),
          afterReply,
        ).toBe(true);
      });

      it('is recognised as itself by detectTemplate', () => {
        const detection = detectTemplate(preset.template);
        expect(detection.kind).toBe('preset');
        if (preset.name === 'qwen') {
          // Qwen 2.5's format is ChatML with a default system message: detection names the family.
          expect(detection).toMatchObject({ preset: { name: 'chatml' }, variant: 'qwen' });
          return;
        }
        expect(detection.preset?.name).toBe(preset.name);
        for (const [variant, source] of Object.entries(preset.variants)) {
          expect(detectTemplate(source)).toMatchObject({ preset: { name: preset.name }, variant });
        }
      });
    });
  }
});
