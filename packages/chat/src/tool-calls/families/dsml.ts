/**
 * DeepSeek V3.2 / V4 "DSML" tool calls (deepseek-ai-DeepSeek-V3.2.jinja, deepseek-ai-DeepSeek-V4*.jinja;
 * llama.cpp `common_chat_params_init_deepseek_v3_2`). `｜` is U+FF5C:
 * `<｜DSML｜function_calls>\n<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="k" string="true|false">v</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>`.
 * V4 names the block `tool_calls`. `string="true"` values are raw text, `string="false"` ones JSON.
 */
import { tryParseJson } from '../json-scan.js';
import type { BlockContext, BlockResult, FamilyHandler, RawCall } from '../family.js';
import { gbnfLiteral, paramSequence } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd } from './helpers.js';

const T = '｜DSML｜';
export const DSML_V32_OPEN = `<${T}function_calls>`;
export const DSML_V4_OPEN = `<${T}tool_calls>`;

function parseDsml(a: string, s: number, ctx: BlockContext): BlockResult {
  const v4 = a.startsWith(DSML_V4_OPEN, s);
  const open = v4 ? DSML_V4_OPEN : DSML_V32_OPEN;
  const close = `</${T}${v4 ? 'tool_calls' : 'function_calls'}>`;
  const calls: RawCall[] = [];
  let i = s + open.length;
  const problem = (reason: string, at: number): BlockResult => {
    const closed = a.indexOf(close, at) >= 0;
    return { kind: 'problem', reason: closed ? reason : 'incomplete call', end: failEnd(a, at, close), incomplete: !closed };
  };
  const invoke = new RegExp(`\\s*<${T}invoke name="([^"]+)">`, 'y');
  const param = new RegExp(`\\s*<${T}parameter name="([^"]+)"(?: string="(true|false)")?>([\\s\\S]*?)</${T}parameter>`, 'y');
  const invokeEnd = new RegExp(`\\s*</${T}invoke>`, 'y');
  for (;;) {
    invoke.lastIndex = i;
    const head = invoke.exec(a);
    if (!head) break;
    i = invoke.lastIndex;
    const args: Record<string, unknown> = {};
    for (;;) {
      param.lastIndex = i;
      const p = param.exec(a);
      if (!p) break;
      if (p[2] === 'true') args[p[1]!] = p[3];
      else {
        const parsed = tryParseJson(p[3]!);
        if (!parsed) return problem(`malformed JSON value of "${p[1]}"`, i);
        args[p[1]!] = parsed.value;
      }
      i = param.lastIndex;
    }
    invokeEnd.lastIndex = i;
    if (!invokeEnd.exec(a)) return problem('malformed invoke', i);
    i = invokeEnd.lastIndex;
    calls.push({ name: head[1], arguments: args });
  }
  if (calls.length === 0) return problem('expected invoke', i);
  return closeBlock(a, i, ctx, close, calls);
}

function dsmlGrammar(block: string): FamilyHandler['grammar'] {
  return {
    call(t, _f, sink) {
      sink.rule('xml-raw-value', '[^<]*');
      const body = paramSequence(t, sink, 'xml-raw-value', (k, v) =>
        v === 'xml-raw-value'
          ? `${gbnfLiteral(`<${T}parameter name="${k}" string="true">`)} ${v} ${gbnfLiteral(`</${T}parameter>\n`)}`
          : `${gbnfLiteral(`<${T}parameter name="${k}" string="false">`)} ${v} ${gbnfLiteral(`</${T}parameter>\n`)}`,
      );
      return `${gbnfLiteral(`<${T}${block}>\n<${T}invoke name="${t.name}">\n`)} ${body} ${gbnfLiteral(`</${T}invoke>\n</${T}${block}>`)}`;
    },
  };
}

export const deepseekV32: FamilyHandler = { parseBlock: parseDsml, grammar: dsmlGrammar('function_calls') };
export const deepseekV4: FamilyHandler = { parseBlock: parseDsml, grammar: dsmlGrammar('tool_calls') };
