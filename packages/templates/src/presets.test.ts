import { describe, expect, it } from 'vitest';
import { compileTemplate } from './compile-template.js';
import { detectTemplate } from './detect-template.js';
import { getPreset, isPresetName, PRESETS, type PresetName } from './presets.js';
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
// The assistant's header each format ends a prompt with when asked to (`addGenerationPrompt`).
// Llama 2 and Mistral have none: their user turns end with the cue already.
const generationPrompts: Record<PresetName, string> = {
  chatml: '<|im_start|>assistant\n',
  qwen: '<|im_start|>assistant\n',
  llama3: '<|start_header_id|>assistant<|end_header_id|>\n\n',
  llama2: '',
  mistral: '',
  phi3: '<|assistant|>\n',
  gemma: '<start_of_turn>model\n',
  deepseek: '<｜Assistant｜><think>\n',
  zephyr: '<|assistant|>\n',
  alpaca: '### Response:\n',
  vicuna: 'ASSISTANT:',
};

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
    expect(isPresetName('nope')).toBe(false);
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
        const prompt = generationPrompts[preset.name];
        if (prompt === '') {
          // `[/INST]` closes every user turn and is the assistant's cue, asked for or not.
          expect(withPrompt).toBe(without);
          expect(withPrompt.endsWith('[/INST]')).toBe(true);
          return;
        }
        expect(withPrompt.endsWith(prompt), withPrompt).toBe(true);
        expect(without, without).not.toContain(prompt);
        // The same conversation comes first (Phi-3 ends it with EOS when no reply follows).
        expect(without.startsWith(withPrompt.slice(0, -prompt.length)), without).toBe(true);
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
