import type { FamilyHandler } from '../family.js';
import type { ReasoningTags, ToolCallFormat, ToolCallFormatId } from '../tool-call-format.js';
import { deepseekR1, deepseekV31, DS_CALL_BEGIN, DS_CALLS_BEGIN } from './deepseek.js';
import { deepseekV32, deepseekV4, DSML_V32_OPEN, DSML_V4_OPEN } from './dsml.js';
import { gemma4 } from './gemma4.js';
import { generic } from './generic.js';
import { gptOss } from './gpt-oss.js';
import { apertus, apriel, commandR7b, functools, granite, hermes, mistral, mistralArgs, nemotronV2 } from './json-tagged.js';
import { kimiK2 } from './kimi.js';
import { lfm2 } from './lfm2.js';
import { functionaryV31, functionaryV32, llama3 } from './llama.js';
import { glm, minimaxM2, qwen3Coder, seedOss } from './xml.js';

/** Parser and grammar of each family. */
export const FAMILY_HANDLERS: Record<ToolCallFormatId, FamilyHandler> = {
  hermes,
  llama3,
  'functionary-v3.1': functionaryV31,
  'functionary-v3.2': functionaryV32,
  mistral,
  'mistral-args': mistralArgs,
  'command-r7b': commandR7b,
  'deepseek-r1': deepseekR1,
  'deepseek-v3.1': deepseekV31,
  'deepseek-v3.2': deepseekV32,
  'deepseek-v4': deepseekV4,
  gemma4,
  granite,
  'firefunction-v2': functools,
  'phi-4-mini': functools,
  'kimi-k2': kimiK2,
  'glm-4.5': glm,
  'qwen3-coder': qwen3Coder,
  'seed-oss': seedOss,
  'minimax-m2': minimaxM2,
  'nemotron-v2': nemotronV2,
  apertus,
  lfm2,
  'gpt-oss': gptOss,
  apriel,
  generic,
};

/** Triggers and answer markup of each family (reasoning is decided per template). */
const FAMILY_DATA: Record<ToolCallFormatId, Omit<ToolCallFormat, 'id' | 'reasoning'>> = {
  hermes: { triggers: ['<tool_call>'], dropTokens: [] },
  llama3: { triggers: ['<|python_tag|>'], startsWithCall: true, dropTokens: [] },
  'functionary-v3.1': { triggers: ['<function=', '<|python_tag|>'], dropTokens: [] },
  'functionary-v3.2': { triggers: ['>>>'], startsWithCall: true, dropTokens: [] },
  mistral: { triggers: ['[TOOL_CALLS]'], dropTokens: [] },
  'mistral-args': { triggers: ['[TOOL_CALLS]'], dropTokens: [] },
  'command-r7b': {
    triggers: ['<|START_ACTION|>'],
    dropTokens: ['<|START_RESPONSE|>', '<|END_RESPONSE|>', '<|START_TEXT|>', '<|END_TEXT|>'],
  },
  'deepseek-r1': { triggers: [DS_CALLS_BEGIN, DS_CALL_BEGIN], dropTokens: [] },
  'deepseek-v3.1': { triggers: [DS_CALLS_BEGIN, DS_CALL_BEGIN], dropTokens: [] },
  'deepseek-v3.2': { triggers: [DSML_V32_OPEN, DSML_V4_OPEN], dropTokens: [] },
  'deepseek-v4': { triggers: [DSML_V4_OPEN, DSML_V32_OPEN], dropTokens: [] },
  gemma4: { triggers: ['<|tool_call>call:'], dropTokens: [] },
  granite: { triggers: ['<|tool_call|>'], dropTokens: ['<response>', '</response>'] },
  'firefunction-v2': { triggers: ['functools'], dropTokens: [] },
  'phi-4-mini': { triggers: ['functools'], dropTokens: [] },
  'kimi-k2': { triggers: ['<|tool_calls_section_begin|>'], dropTokens: [] },
  'glm-4.5': { triggers: ['<tool_call>'], dropTokens: [] },
  'qwen3-coder': { triggers: ['<tool_call>'], dropTokens: [] },
  'seed-oss': { triggers: ['<seed:tool_call>'], dropTokens: [] },
  'minimax-m2': { triggers: ['<minimax:tool_call>'], dropTokens: [] },
  'nemotron-v2': { triggers: ['<TOOLCALL>'], dropTokens: [] },
  apertus: { triggers: ['<|tools_prefix|>'], dropTokens: [] },
  lfm2: { triggers: ['<|tool_call_start|>'], dropTokens: [] },
  'gpt-oss': {
    triggers: ['<|channel|>commentary to=', '<|channel|>analysis to=', 'to=functions.'],
    dropTokens: [
      '<|start|>assistant',
      '<|channel|>final<|message|>',
      '<|channel|>commentary<|message|>',
      '<|end|>',
      '<|return|>',
    ],
  },
  apriel: { triggers: ['<tool_calls>'], dropTokens: [] },
  generic: { triggers: [], startsWithCall: true, dropTokens: [] },
};

/** Reasoning tags a family uses when its template thinks (see `detectToolCallFormat`). */
export const FAMILY_REASONING: Partial<Record<ToolCallFormatId, Omit<ReasoningTags, 'promptMayOpen'>>> = {
  'command-r7b': { open: '<|START_THINKING|>', close: '<|END_THINKING|>' },
  'seed-oss': { open: '<seed:think>', close: '</seed:think>' },
  'mistral-args': { open: '[THINK]', close: '[/THINK]' },
  'gpt-oss': { open: '<|channel|>analysis<|message|>', close: '<|end|>' },
  apertus: { open: '<|inner_prefix|>', close: '<|inner_suffix|>' },
  gemma4: { open: '<|channel>thought', close: '<channel|>' },
};

/** A {@link ToolCallFormat} for `id`, with optional reasoning tags. */
export function toolCallFormat(id: ToolCallFormatId, reasoning?: ReasoningTags): ToolCallFormat {
  const data = FAMILY_DATA[id];
  return {
    id,
    ...(reasoning ? { reasoning } : {}),
    triggers: [...data.triggers],
    ...(data.startsWithCall ? { startsWithCall: true } : {}),
    dropTokens: [...data.dropTokens],
  };
}
