import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectToolCallFormat, templateSupportsTools } from './detect-tool-call-format.js';
import { promptOpensReasoning } from './tool-call-format.js';
import type { ToolCallFormatId } from './tool-call-format.js';

const TEMPLATES = fileURLToPath(new URL('../../../../vendor/llama.cpp/models/templates/', import.meta.url));
const read = (file: string): string => readFileSync(TEMPLATES + file, 'utf8');

/** Every template in vendor/llama.cpp/models/templates and the family it must map to. */
const FAMILIES: [string, ToolCallFormatId][] = [
  ['Apertus-8B-Instruct.jinja', 'apertus'],
  ['Apriel-1.6-15b-Thinker-fixed.jinja', 'apriel'],
  ['Bielik-11B-v3.0-Instruct.jinja', 'hermes'],
  ['ByteDance-Seed-OSS.jinja', 'seed-oss'],
  ['Cohere2MoE.jinja', 'command-r7b'],
  ['CohereForAI-c4ai-command-r-plus-tool_use.jinja', 'generic'],
  ['CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja', 'command-r7b'],
  ['GLM-4.6.jinja', 'glm-4.5'],
  ['GLM-4.7-Flash.jinja', 'glm-4.5'],
  ['GigaChat3-10B-A1.8B.jinja', 'generic'],
  ['GigaChat3.1-10B-A1.8B.jinja', 'generic'],
  ['HuggingFaceTB-SmolLM3-3B.jinja', 'generic'],
  ['Kimi-K2-Instruct.jinja', 'kimi-k2'],
  ['Kimi-K2-Thinking.jinja', 'kimi-k2'],
  ['Kimi-K3.jinja', 'generic'],
  ['LFM2-8B-A1B.jinja', 'lfm2'],
  ['LFM2.5-8B-A1B.jinja', 'lfm2'],
  ['LFM2.5-Instruct.jinja', 'lfm2'],
  ['MiMo-VL.jinja', 'hermes'],
  ['MiniMax-M1.jinja', 'apriel'],
  ['MiniMax-M2.jinja', 'minimax-m2'],
  ['MiniMax-M3.jinja', 'generic'],
  ['Mistral-Small-3.2-24B-Instruct-2506.jinja', 'mistral-args'],
  ['NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja', 'qwen3-coder'],
  ['NVIDIA-Nemotron-Nano-v2.jinja', 'nemotron-v2'],
  ['NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja', 'hermes'],
  ['NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja', 'hermes'],
  ['Qwen-QwQ-32B.jinja', 'hermes'],
  ['Qwen-Qwen2.5-7B-Instruct.jinja', 'hermes'],
  ['Qwen-Qwen3-0.6B.jinja', 'hermes'],
  ['Qwen3-Coder.jinja', 'qwen3-coder'],
  ['Qwen3.5-4B.jinja', 'qwen3-coder'],
  ['Reka-Edge.jinja', 'hermes'],
  ['Spark2.5.jinja', 'glm-4.5'],
  ['StepFun3.5-Flash.jinja', 'qwen3-coder'],
  ['deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja', 'deepseek-r1'],
  ['deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja', 'deepseek-r1'],
  ['deepseek-ai-DeepSeek-V3.1.jinja', 'deepseek-v3.1'],
  ['deepseek-ai-DeepSeek-V3.2.jinja', 'deepseek-v3.2'],
  ['deepseek-ai-DeepSeek-V4-Flash-0731.jinja', 'deepseek-v4'],
  ['deepseek-ai-DeepSeek-V4.jinja', 'deepseek-v4'],
  ['fireworks-ai-llama-3-firefunction-v2.jinja', 'firefunction-v2'],
  ['google-gemma-2-2b-it.jinja', 'generic'],
  ['google-gemma-4-31B-it-interleaved.jinja', 'gemma4'],
  ['google-gemma-4-31B-it.jinja', 'gemma4'],
  ['ibm-granite-granite-3.3-2B-Instruct.jinja', 'granite'],
  ['ibm-granite-granite-4.0.jinja', 'hermes'],
  ['ibm-granite-granite-4.1.jinja', 'hermes'],
  ['inclusionai-ling-3.0-flash.jinja', 'glm-4.5'],
  ['llama-cpp-deepseek-r1.jinja', 'deepseek-r1'],
  ['llama-cpp-rwkv-world.jinja', 'generic'],
  ['meetkai-functionary-medium-v3.1.jinja', 'functionary-v3.1'],
  ['meetkai-functionary-medium-v3.2.jinja', 'functionary-v3.2'],
  ['meta-llama-Llama-3.1-8B-Instruct.jinja', 'llama3'],
  ['meta-llama-Llama-3.2-3B-Instruct.jinja', 'llama3'],
  ['meta-llama-Llama-3.3-70B-Instruct.jinja', 'llama3'],
  ['microsoft-Phi-3.5-mini-instruct.jinja', 'generic'],
  ['mistralai-Ministral-3-14B-Reasoning-2512.jinja', 'mistral-args'],
  ['mistralai-Mistral-Nemo-Instruct-2407.jinja', 'mistral'],
  ['moonshotai-Kimi-K2.jinja', 'kimi-k2'],
  ['muse-glimmer.jinja', 'generic'],
  ['openai-gpt-oss-120b.jinja', 'gpt-oss'],
  ['openbmb-MiniCPM5-1B.jinja', 'generic'],
  ['poolside-Laguna-S-2.1.jinja', 'glm-4.5'],
  ['poolside-Laguna-XS-2.1.jinja', 'glm-4.5'],
  ['poolside-Laguna-XS.2.jinja', 'glm-4.5'],
  ['tencent-Hy3.jinja', 'generic'],
  ['unsloth-Apriel-1.5.jinja', 'apriel'],
  ['unsloth-mistral-Devstral-Small-2507.jinja', 'mistral-args'],
  ['upstage-Solar-Open-100B.jinja', 'generic'],
];

/** Templates that never mention tools. */
const NO_TOOLS = new Set([
  'HuggingFaceTB-SmolLM3-3B.jinja',
  'google-gemma-2-2b-it.jinja',
  'llama-cpp-rwkv-world.jinja',
  'microsoft-Phi-3.5-mini-instruct.jinja',
]);

describe('detectToolCallFormat', () => {
  it('covers every vendored template', () => {
    const files = readdirSync(TEMPLATES).filter((f) => f.endsWith('.jinja')).sort();
    expect(FAMILIES.map(([f]) => f).sort()).toEqual(files);
  });

  it.each(FAMILIES)('%s → %s', (file, family) => {
    const src = read(file);
    expect(detectToolCallFormat(src).id).toBe(family);
    expect(templateSupportsTools(src)).toBe(!NO_TOOLS.has(file));
  });

  it.each([
    ['Qwen-QwQ-32B.jinja', '<think>', '</think>', true],
    ['Qwen-Qwen3-0.6B.jinja', '<think>', '</think>', false],
    ['deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja', '<think>', '</think>', true],
    ['deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja', '<think>', '</think>', true],
    ['CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja', '<|START_THINKING|>', '<|END_THINKING|>', false],
    ['ibm-granite-granite-3.3-2B-Instruct.jinja', '<think>', '</think>', false],
    ['ByteDance-Seed-OSS.jinja', '<seed:think>', '</seed:think>', false],
    ['mistralai-Ministral-3-14B-Reasoning-2512.jinja', '[THINK]', '[/THINK]', false],
    ['openai-gpt-oss-120b.jinja', '<|channel|>analysis<|message|>', '<|end|>', false],
  ])('%s thinks with %s…%s (prompt may open: %s)', (file, open, close, mayOpen) => {
    expect(detectToolCallFormat(read(file)).reasoning).toEqual({ open, close, promptMayOpen: mayOpen });
  });

  it.each(['Qwen-Qwen2.5-7B-Instruct.jinja', 'meta-llama-Llama-3.1-8B-Instruct.jinja', 'mistralai-Mistral-Nemo-Instruct-2407.jinja'])(
    '%s has no reasoning tags',
    (file) => {
      expect(detectToolCallFormat(read(file)).reasoning).toBeUndefined();
    },
  );

  it('gives each family its triggers', () => {
    expect(detectToolCallFormat(read('Qwen-Qwen2.5-7B-Instruct.jinja')).triggers).toEqual(['<tool_call>']);
    const llama = detectToolCallFormat(read('meta-llama-Llama-3.1-8B-Instruct.jinja'));
    expect(llama.triggers).toEqual(['<|python_tag|>']);
    expect(llama.startsWithCall).toBe(true);
    expect(detectToolCallFormat(read('ibm-granite-granite-3.3-2B-Instruct.jinja')).dropTokens).toContain('<response>');
  });

  it('falls back to generic for unknown text', () => {
    expect(detectToolCallFormat('{{ messages }}{% if tools %}{{ tools }}{% endif %}').id).toBe('generic');
  });
});

describe('promptOpensReasoning', () => {
  it('is true when the rendered prompt ends with the opening tag', () => {
    const fmt = detectToolCallFormat(read('Qwen-QwQ-32B.jinja'));
    expect(promptOpensReasoning('<|im_start|>assistant\n<think>\n', fmt)).toBe(true);
    expect(promptOpensReasoning('<|im_start|>assistant\n<think>\n</think>', fmt)).toBe(false);
    expect(promptOpensReasoning('<|im_start|>assistant\n', fmt)).toBe(false);
  });
});
