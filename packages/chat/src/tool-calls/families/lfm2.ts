/**
 * LFM2 / LFM2.5 (LFM2-8B-A1B.jinja, LFM2.5-*.jinja; llama.cpp `common_chat_params_init_lfm2`):
 * Python-style lists `<|tool_call_start|>[f(a=1, b="x")]<|tool_call_end|>`.
 */
import type { BlockResult, FamilyHandler } from '../family.js';
import { parsePythonCalls } from '../python-call.js';
import { gbnfLiteral, toolParams } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd } from './helpers.js';

const OPEN = '<|tool_call_start|>';
const CLOSE = '<|tool_call_end|>';

export const lfm2: FamilyHandler = {
  parseBlock(a, s, ctx): BlockResult {
    const p = parsePythonCalls(a, s + OPEN.length);
    if (!p.ok) {
      const closed = a.indexOf(CLOSE, s) >= 0;
      return { kind: 'problem', reason: closed ? 'malformed call list' : 'incomplete call list', end: failEnd(a, s, CLOSE), incomplete: !closed };
    }
    return closeBlock(a, p.end, ctx, CLOSE, p.calls);
  },
  grammar: {
    // Values are written as JSON (JSON literals are read back as well as Python's True/None).
    call(t, _f, sink) {
      const params = toolParams(t).map((p, j) => {
        const rule = `tool-${t.index}-arg-${j}`;
        sink.schema(rule, p.schema ?? {});
        return { ...p, item: `${gbnfLiteral(`${p.key}=`)} ${rule}` };
      });
      let args = '';
      const required = params.filter((p) => p.required);
      const optional = params.filter((p) => !p.required);
      if (required.length > 0) {
        args = required.map((p) => p.item).join(` ${gbnfLiteral(', ')} `);
        for (const p of optional) args += ` ( ${gbnfLiteral(', ')} ${p.item} )?`;
      } else if (optional.length > 0) {
        // Optional-only: a present first one opens the list; the rest follow with commas.
        let tail = '';
        for (const p of optional.slice(1)) tail += ` ( ${gbnfLiteral(', ')} ${p.item} )?`;
        args = `( ${optional[0]!.item}${tail} )?`;
      }
      return `${gbnfLiteral(`${OPEN}[${t.name}(`)} ${args} ${gbnfLiteral(`)]${CLOSE}`)}`;
    },
  },
};
