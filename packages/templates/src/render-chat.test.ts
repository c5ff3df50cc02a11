import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chatTemplateVariables, renderChat, type ChatMessage } from './render-chat.js';

const qwen3File = join(dirname(fileURLToPath(import.meta.url)), '../../../vendor/llama.cpp/models/templates/Qwen-Qwen3-0.6B.jinja');
const question: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

describe('renderChat', () => {
  it('passes extraContext to the template, beneath the variables it sets itself', () => {
    const template = '{{ greeting }}|{{ messages | length }}|{{ add_generation_prompt }}|{{ tools }}';
    const extraContext = { greeting: 'hello', messages: [], add_generation_prompt: false, tools: 'mine' };
    expect(renderChat(template, question, { addGenerationPrompt: true, extraContext })).toBe('hello|1|True|None');
    expect(chatTemplateVariables(question, { extraContext })).toMatchObject({ greeting: 'hello', messages: question, tools: null });
  });

  it.skipIf(!existsSync(qwen3File))("reaches a real template's switch: Qwen 3 with enable_thinking false gets an empty think block", () => {
    const qwen3 = readFileSync(qwen3File, 'utf8');
    const thinking = renderChat(qwen3, question, { addGenerationPrompt: true });
    const direct = renderChat(qwen3, question, { addGenerationPrompt: true, extraContext: { enable_thinking: false } });
    expect(thinking.endsWith('<|im_start|>assistant\n')).toBe(true);
    expect(direct).toBe(`${thinking}<think>\n\n</think>\n\n`);
  });
});
