import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectTemplate } from './detect-template.js';
import { getPreset } from './presets.js';
import { TemplateSyntaxError } from './template-error.js';

const templatesDirectory = join(dirname(fileURLToPath(import.meta.url)), '../../../vendor/llama.cpp/models/templates');

describe.skipIf(!existsSync(templatesDirectory))('detectTemplate on the vendored llama.cpp templates', () => {
  const expectations: [file: string, preset: string, variant: string][] = [
    ['meta-llama-Llama-3.1-8B-Instruct.jinja', 'llama3', 'llama3.1'],
    ['meta-llama-Llama-3.2-3B-Instruct.jinja', 'llama3', 'llama3.1'],
    ['meta-llama-Llama-3.3-70B-Instruct.jinja', 'llama3', 'llama3.1'],
    ['Qwen-Qwen2.5-7B-Instruct.jinja', 'chatml', 'qwen'],
    ['Qwen3-Coder.jinja', 'chatml', 'default'],
    ['Qwen-Qwen3-0.6B.jinja', 'chatml', 'qwen3'],
    ['mistralai-Mistral-Nemo-Instruct-2407.jinja', 'mistral', 'tekken'],
    ['microsoft-Phi-3.5-mini-instruct.jinja', 'phi3', 'default'],
    ['google-gemma-2-2b-it.jinja', 'gemma', 'default'],
    ['google-gemma-4-31B-it.jinja', 'gemma', 'gemma4'],
    ['google-gemma-4-31B-it-interleaved.jinja', 'gemma', 'gemma4'],
    ['deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja', 'deepseek', 'default'],
  ];
  for (const [file, preset, variant] of expectations) {
    it(`recognises ${file} as ${preset}`, () => {
      const source = readFileSync(join(templatesDirectory, file), 'utf8');
      const detection = detectTemplate(source);
      expect(detection).toMatchObject({ kind: 'preset', preset: { name: preset }, variant, template: source });
      expect(detection.stopStrings).toEqual(getPreset(preset)?.stopStrings);
    });
  }

  it('falls back to the template itself for formats with no preset', () => {
    const source = readFileSync(join(templatesDirectory, 'openai-gpt-oss-120b.jinja'), 'utf8');
    expect(detectTemplate(source)).toMatchObject({
      kind: 'jinja',
      preset: undefined,
      template: source,
      stopStrings: [],
    });
  });
});

describe('detectTemplate', () => {
  it('compares renderings, not sources: a rewritten ChatML template is still ChatML', () => {
    const rewritten = [
      '{% for m in messages %}',
      "{{ '<|im_start|>' }}{{ m['role'] }}\n{{ m['content'] }}{{ '<|im_end|>' }}",
      '{% endfor %}',
      "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    ].join('\n');
    expect(detectTemplate(rewritten).preset?.name).toBe('chatml');
  });

  it('does not match a format that only looks similar', () => {
    const customHeaders = '{% for m in messages %}<|im_start|>{{ m.role }}: {{ m.content }}<|im_end|>\n{% endfor %}';
    expect(detectTemplate(customHeaders).kind).toBe('jinja');
  });

  it('reports syntax errors', () => {
    expect(() => detectTemplate('{% for m in messages %}')).toThrow(TemplateSyntaxError);
  });

  it('names no preset from too few probes: a template that renders only one conversation', () => {
    const chatml = getPreset('chatml')!.template;
    const picky = `{% if messages | length != 2 or messages[0].role != 'system' %}{{ raise_exception('system + user only') }}{% endif %}${chatml}`;
    expect(detectTemplate(picky)).toMatchObject({ kind: 'jinja', preset: undefined, comparedProbes: 1 });
  });

  it("compares with the BOS/EOS texts given, by default Llama's <s> and </s>", () => {
    // A template that hard-codes the tokens instead of reading bos_token/eos_token.
    const literal = getPreset('llama2')!.template.replaceAll('bos_token', "'<s>'").replaceAll('eos_token', "'</s>'");
    expect(literal).not.toContain('bos_token');
    expect(detectTemplate(literal).preset?.name).toBe('llama2');
    expect(detectTemplate(literal, { bosToken: '<BOS>' }).kind).toBe('jinja');
  });
});
