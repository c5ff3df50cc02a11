/**
 * Families whose calls are JSON between marker tokens.
 */
import { isJsonObject, scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler, RawCall } from '../family.js';
import { gbnfLiteral, jsonCallObject } from '../tool-call-grammar-helpers.js';
import { callFromObject, closeBlock, failEnd, parseTaggedJson } from './helpers.js';

/**
 * Hermes 2 Pro / Hermes 3 / Qwen 2.5 / Qwen 3 / QwQ / Granite 4 / MiMo-VL / Bielik / Reka:
 * `<tool_call>\n{"name": "f", "arguments": {…}}\n</tool_call>`, one block per call
 * (NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja, Qwen-Qwen2.5-7B-Instruct.jinja; llama.cpp's
 * former `common_chat_parse_hermes_2_pro`).
 */
export const hermes: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseTaggedJson(a, s, ctx, '<tool_call>', '</tool_call>', 'object'),
  grammar: {
    call: (t) => `${gbnfLiteral('<tool_call>\n')} ${jsonCallObject(t)} ${gbnfLiteral('\n</tool_call>')}`,
  },
};

/**
 * Apriel 1.5 (unsloth-Apriel-1.5.jinja): `<tool_calls>[{"name": …, "arguments": …}, …]</tool_calls>`;
 * MiniMax-M1 (MiniMax-M1.jinja) writes one object per line inside the same tags, which is also read.
 */
export const apriel: FamilyHandler = {
  parseBlock(a, s, ctx) {
    const open = '<tool_calls>';
    const close = '</tool_calls>';
    const calls: RawCall[] = [];
    let i = s + open.length;
    for (;;) {
      const scan = scanJsonValue(a, i);
      if (!scan.ok) {
        if (calls.length > 0 && scan.reason === 'malformed' && a.slice(i).trimStart().startsWith(close)) break;
        return {
          kind: 'problem',
          reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON',
          end: failEnd(a, i, close),
          incomplete: scan.reason === 'incomplete' && a.indexOf(close, s) < 0,
        };
      }
      for (const v of Array.isArray(scan.value) ? scan.value : [scan.value]) {
        const call = callFromObject(v);
        if (!call) return { kind: 'problem', reason: 'not a tool call (no name)', end: failEnd(a, i, close) };
        calls.push(call);
      }
      i = scan.end;
      if (a.slice(i).trimStart().startsWith(close) || a.slice(i).trim() === '') break;
    }
    return closeBlock(a, i, ctx, close, calls);
  },
  grammar: {
    call: (t) => `${gbnfLiteral('<tool_calls>[')} ${jsonCallObject(t)} ${gbnfLiteral(']</tool_calls>')}`,
  },
};

/**
 * Granite 3.x (ibm-granite-granite-3.3-2B-Instruct.jinja): `<|tool_call|>[{"name": …, "arguments": …}]`,
 * no closing tag; answers may be wrapped in `<response>…</response>` after `<think>…</think>`.
 */
export const granite: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseTaggedJson(a, s, ctx, '<|tool_call|>', undefined, 'array'),
  grammar: { call: (t) => `${gbnfLiteral('<|tool_call|>[')} ${jsonCallObject(t)} ${gbnfLiteral(']')}` },
};

/**
 * FireFunction v2 (fireworks-ai-llama-3-firefunction-v2.jinja): ` functools[{"name": …, "arguments": …}]`;
 * Phi-4-mini writes the same list after `functools` (no template in vendor; llama.cpp's former
 * `common_chat_params_init_firefunction_v2`).
 */
export const functools: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseTaggedJson(a, s, ctx, 'functools', undefined, 'array'),
  grammar: { call: (t) => `${gbnfLiteral('functools[')} ${jsonCallObject(t)} ${gbnfLiteral(']')}` },
};

/** Nemotron Nano v2 (NVIDIA-Nemotron-Nano-v2.jinja): `<TOOLCALL>[{"name": …, "arguments": …}]</TOOLCALL>`. */
export const nemotronV2: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseTaggedJson(a, s, ctx, '<TOOLCALL>', '</TOOLCALL>', 'array'),
  grammar: { call: (t) => `${gbnfLiteral('<TOOLCALL>[')} ${jsonCallObject(t)} ${gbnfLiteral(']</TOOLCALL>')}` },
};

/** Apertus (Apertus-8B-Instruct.jinja): `<|tools_prefix|>[{"name": {args}}]<|tools_suffix|>`. */
export const apertus: FamilyHandler = {
  parseBlock: (a, s, ctx) =>
    parseTaggedJson(a, s, ctx, '<|tools_prefix|>', '<|tools_suffix|>', 'array', (v) => {
      if (!isJsonObject(v)) return undefined;
      const keys = Object.keys(v);
      if (keys.length !== 1) return callFromObject(v);
      return { name: keys[0], arguments: v[keys[0]!] };
    }),
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`<|tools_prefix|>[{${JSON.stringify(t.name)}: `)} ${t.argsRule} ${gbnfLiteral('}]<|tools_suffix|>')}`,
  },
};

/**
 * Command R7B (CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja) and Cohere2 MoE (Cohere2MoE.jinja):
 * `<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "f", "parameters": {…}}]<|END_ACTION|>`.
 */
export const commandR7b: FamilyHandler = {
  parseBlock: (a, s, ctx) =>
    parseTaggedJson(a, s, ctx, '<|START_ACTION|>', '<|END_ACTION|>', 'array', (v) =>
      callFromObject(v, 'tool_name', 'tool_call_id'),
    ),
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`<|START_ACTION|>[\n    {"tool_call_id": "0", "tool_name": ${JSON.stringify(t.name)}, "parameters": `)} ${t.argsRule} ${gbnfLiteral('}\n]<|END_ACTION|>')}`,
  },
};

/**
 * Mistral Nemo and older (mistralai-Mistral-Nemo-Instruct-2407.jinja):
 * `[TOOL_CALLS][{"name": "f", "arguments": {…}, "id": "abc123def"}]` (9-character alphanumeric ids).
 * The newer `[TOOL_CALLS]f[ARGS]{…}` form is read too (see {@link mistralArgs}).
 */
export const mistral: FamilyHandler = {
  parseBlock(a, s, ctx) {
    const j = s + '[TOOL_CALLS]'.length;
    if (a.slice(j).trimStart().startsWith('[') || a.slice(j).trim() === '') {
      return parseTaggedJson(a, s, ctx, '[TOOL_CALLS]', undefined, 'array');
    }
    return mistralArgs.parseBlock(a, s, ctx);
  },
  grammar: {
    call: (t, _f, sink) => {
      sink.rule('mistral-id', '[a-zA-Z0-9]{9}');
      return `${gbnfLiteral(`[TOOL_CALLS][{"name": ${JSON.stringify(t.name)}, "arguments": `)} ${t.argsRule} ${gbnfLiteral(', "id": "')} mistral-id ${gbnfLiteral('"}]')}`;
    },
  },
};

/**
 * Mistral Small 3.2 / Devstral / Ministral 3 / Magistral: `[TOOL_CALLS]f[ARGS]{…}`, optionally
 * `[TOOL_CALLS]f[CALL_ID]abc123def[ARGS]{…}` (Mistral-Small-3.2-24B-Instruct-2506.jinja), one
 * `[TOOL_CALLS]` per call (llama.cpp `common_chat_params_init_ministral_3`).
 */
export const mistralArgs: FamilyHandler = {
  parseBlock(a, s, ctx): BlockResult {
    let i = s + '[TOOL_CALLS]'.length;
    const m = /^\s*([A-Za-z0-9_.-]+)(?:\[CALL_ID\]([A-Za-z0-9_-]+))?\[ARGS\]/.exec(a.slice(i, i + 512));
    if (!m) {
      const rest = a.slice(i);
      const incomplete = /^\s*[A-Za-z0-9_.-]*(\[[A-Z_]*\]?[A-Za-z0-9_-]*(\[[A-Z]*)?)?$/.test(rest);
      return { kind: 'problem', reason: 'expected name[ARGS]', end: a.length, incomplete };
    }
    i += m[0].length;
    const scan = scanJsonValue(a, i);
    if (!scan.ok) {
      const next = a.indexOf('[TOOL_CALLS]', i);
      return {
        kind: 'problem',
        reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON',
        end: next < 0 ? a.length : next,
        incomplete: scan.reason === 'incomplete' && next < 0,
      };
    }
    const call: RawCall = { name: m[1], arguments: scan.value, ...(m[2] ? { id: m[2] } : {}) };
    return closeBlock(a, scan.end, ctx, undefined, [call]);
  },
  grammar: {
    call: (t) => `${gbnfLiteral(`[TOOL_CALLS]${t.name}[ARGS]`)} ${t.argsRule}`,
  },
};
