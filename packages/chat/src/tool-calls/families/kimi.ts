/**
 * Kimi K2 / K2 Thinking (moonshotai-Kimi-K2.jinja, Kimi-K2-Instruct.jinja, Kimi-K2-Thinking.jinja;
 * llama.cpp `common_chat_params_init_kimi_k2`):
 * `<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{…}<|tool_call_end|><|tool_calls_section_end|>`.
 * The id is the whole `functions.f:0`; the name is between `functions.` and `:`.
 */
import { scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler, RawCall } from '../family.js';
import { gbnfLiteral } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd } from './helpers.js';

const SECTION_BEGIN = '<|tool_calls_section_begin|>';
const SECTION_END = '<|tool_calls_section_end|>';
const CALL_BEGIN = '<|tool_call_begin|>';
const ARG_BEGIN = '<|tool_call_argument_begin|>';
const CALL_END = '<|tool_call_end|>';

export const kimiK2: FamilyHandler = {
  parseBlock(a, s, ctx): BlockResult {
    let i = s + SECTION_BEGIN.length;
    const calls: RawCall[] = [];
    const problem = (reason: string, at: number): BlockResult => {
      const closed = a.indexOf(SECTION_END, at) >= 0;
      return { kind: 'problem', reason: closed ? reason : 'incomplete call', end: failEnd(a, at, SECTION_END), incomplete: !closed };
    };
    for (;;) {
      const m = /^\s*<\|tool_call_begin\|>\s*([^<]+?)\s*<\|tool_call_argument_begin\|>/.exec(a.slice(i, i + 512));
      if (!m) {
        if (a.slice(i).trimStart().startsWith(CALL_BEGIN)) return problem('malformed call header', i);
        break;
      }
      const id = m[1]!;
      const name = /^(?:functions\.)?(.+?)(?::\d+)?$/.exec(id)![1]!;
      const scan = scanJsonValue(a, i + m[0].length);
      if (!scan.ok) return problem(scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON', i);
      const e = /^\s*<\|tool_call_end\|>/.exec(a.slice(scan.end));
      if (!e) return problem('expected ' + CALL_END, scan.end);
      calls.push({ name, arguments: scan.value, id });
      i = scan.end + e[0].length;
    }
    if (calls.length === 0) return problem('expected ' + CALL_BEGIN, i);
    return closeBlock(a, i, ctx, SECTION_END, calls);
  },
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`${SECTION_BEGIN}${CALL_BEGIN}functions.${t.name}:0${ARG_BEGIN}`)} ${t.argsRule} ${gbnfLiteral(`${CALL_END}${SECTION_END}`)}`,
  },
};
