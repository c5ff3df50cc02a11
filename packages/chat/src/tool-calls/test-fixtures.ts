import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ToolDefinition } from '@gpt4all/templates';
import { detectToolCallFormat } from './detect-tool-call-format.js';
import { toolCallFormat } from './families/index.js';
import type { ToolCallFormat, ToolCallFormatId } from './tool-call-format.js';

const TEMPLATES = fileURLToPath(new URL('../../../../vendor/llama.cpp/models/templates/', import.meta.url));

/** The format detected from a vendored template file. */
export function formatOf(file: string): ToolCallFormat {
  return detectToolCallFormat(readFileSync(TEMPLATES + file, 'utf8'));
}

/** A template file per family (Phi-4-mini has none vendored). */
export const FAMILY_TEMPLATES: Record<ToolCallFormatId, string | undefined> = {
  hermes: 'Qwen-Qwen3-0.6B.jinja',
  llama3: 'meta-llama-Llama-3.1-8B-Instruct.jinja',
  'functionary-v3.1': 'meetkai-functionary-medium-v3.1.jinja',
  'functionary-v3.2': 'meetkai-functionary-medium-v3.2.jinja',
  mistral: 'mistralai-Mistral-Nemo-Instruct-2407.jinja',
  'mistral-args': 'mistralai-Ministral-3-14B-Reasoning-2512.jinja',
  'command-r7b': 'CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja',
  'deepseek-r1': 'deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja',
  'deepseek-v3.1': 'deepseek-ai-DeepSeek-V3.1.jinja',
  'deepseek-v3.2': 'deepseek-ai-DeepSeek-V3.2.jinja',
  'deepseek-v4': 'deepseek-ai-DeepSeek-V4.jinja',
  gemma4: 'google-gemma-4-31B-it.jinja',
  granite: 'ibm-granite-granite-3.3-2B-Instruct.jinja',
  'firefunction-v2': 'fireworks-ai-llama-3-firefunction-v2.jinja',
  'phi-4-mini': undefined,
  'kimi-k2': 'Kimi-K2-Thinking.jinja',
  'glm-4.5': 'GLM-4.6.jinja',
  'qwen3-coder': 'Qwen3-Coder.jinja',
  'seed-oss': 'ByteDance-Seed-OSS.jinja',
  'minimax-m2': 'MiniMax-M2.jinja',
  'nemotron-v2': 'NVIDIA-Nemotron-Nano-v2.jinja',
  apertus: 'Apertus-8B-Instruct.jinja',
  lfm2: 'LFM2-8B-A1B.jinja',
  'gpt-oss': 'openai-gpt-oss-120b.jinja',
  apriel: 'unsloth-Apriel-1.5.jinja',
  generic: 'openbmb-MiniCPM5-1B.jinja',
};

/** The format of a family, from its template file when there is one. */
export function familyFormat(id: ToolCallFormatId): ToolCallFormat {
  const file = FAMILY_TEMPLATES[id];
  const format = file ? formatOf(file) : toolCallFormat(id);
  if (format.id !== id) throw new Error(`${file} is ${format.id}, not ${id}`);
  return format;
}

export const getWeather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, days: { type: 'integer' } },
      required: ['location'],
    },
  },
};

export const specialFunction: ToolDefinition = {
  type: 'function',
  function: {
    name: 'special_function',
    parameters: { type: 'object', properties: { arg1: { type: 'integer' } }, required: ['arg1'] },
  },
};

export const TOOLS = [getWeather, specialFunction];

/**
 * One sample reply per family calling `special_function({arg1: 1})` after the text "Let me check.",
 * written as the family's template renders a call (the calls the llama.cpp tests parse).
 */
export const SAMPLE_CALLS: Record<ToolCallFormatId, string> = {
  hermes: 'Let me check.\n<tool_call>\n{"name": "special_function", "arguments": {"arg1": 1}}\n</tool_call>',
  llama3: '{"name": "special_function", "parameters": {"arg1": 1}}',
  'functionary-v3.1': 'Let me check.<function=special_function>{"arg1": 1}</function>',
  'functionary-v3.2': 'all\nLet me check.>>>special_function\n{"arg1": 1}',
  mistral: 'Let me check.[TOOL_CALLS][{"name": "special_function", "arguments": {"arg1": 1}, "id": "123456789"}]',
  'mistral-args': 'Let me check.[TOOL_CALLS]special_function[ARGS]{"arg1": 1}',
  'command-r7b':
    '<|START_THINKING|>I need a tool.<|END_THINKING|><|START_ACTION|>[\n    {"tool_call_id": "0", "tool_name": "special_function", "parameters": {"arg1": 1}}\n]<|END_ACTION|>',
  'deepseek-r1':
    'Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>special_function\n```json\n{"arg1": 1}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>',
  'deepseek-v3.1':
    'Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>special_function<｜tool▁sep｜>{"arg1": 1}<｜tool▁call▁end｜><｜tool▁calls▁end｜>',
  'deepseek-v3.2':
    'Let me check.\n\n<｜DSML｜function_calls>\n<｜DSML｜invoke name="special_function">\n<｜DSML｜parameter name="arg1" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
  'deepseek-v4':
    'Let me check.\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name="special_function">\n<｜DSML｜parameter name="arg1" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
  gemma4: 'Let me check.<|tool_call>call:special_function{arg1:1}<tool_call|>',
  granite: 'Let me check.<|tool_call|>[{"name": "special_function", "arguments": {"arg1": 1}}]',
  'firefunction-v2': 'Let me check. functools[{"name": "special_function", "arguments": {"arg1": 1}}]',
  'phi-4-mini': 'Let me check.functools[{"name": "special_function", "arguments": {"arg1": 1}}]',
  'kimi-k2':
    'Let me check.<|tool_calls_section_begin|><|tool_call_begin|>functions.special_function:0<|tool_call_argument_begin|>{"arg1": 1}<|tool_call_end|><|tool_calls_section_end|>',
  'glm-4.5': 'Let me check.\n<tool_call>special_function\n<arg_key>arg1</arg_key>\n<arg_value>1</arg_value>\n</tool_call>',
  'qwen3-coder':
    'Let me check.\n<tool_call>\n<function=special_function>\n<parameter=arg1>\n1\n</parameter>\n</function>\n</tool_call>',
  'seed-oss':
    'Let me check.\n<seed:tool_call>\n<function=special_function>\n<parameter=arg1>1</parameter>\n</function>\n</seed:tool_call>',
  'minimax-m2':
    'Let me check.\n<minimax:tool_call>\n<invoke name="special_function">\n<parameter name="arg1">1</parameter>\n</invoke>\n</minimax:tool_call>',
  'nemotron-v2': 'Let me check.<TOOLCALL>[{"name": "special_function", "arguments": {"arg1": 1}}]</TOOLCALL>',
  apertus: 'Let me check.<|tools_prefix|>[{"special_function": {"arg1": 1}}]<|tools_suffix|>',
  lfm2: 'Let me check.<|tool_call_start|>[special_function(arg1=1)]<|tool_call_end|>',
  'gpt-oss':
    '<|channel|>analysis<|message|>Need the tool.<|end|><|start|>assistant<|channel|>commentary to=functions.special_function <|constrain|>json<|message|>{"arg1": 1}<|call|>',
  apriel: 'Let me check.\n<tool_calls>[{"name": "special_function", "arguments": {"arg1": 1}}]</tool_calls>',
  generic: '{"tool_call": {"name": "special_function", "arguments": {"arg1": 1}}}',
};
