/**
 * Families whose calls are XML-like tags with one element per argument. String arguments are written
 * raw; others as JSON (the templates render `v | tojson if v is not string else v`), so values are
 * decoded by the tool's schema when known, else as JSON when they parse.
 */
import type { BlockContext, BlockResult, FamilyHandler, RawCall } from '../family.js';
import { gbnfLiteral, paramSequence } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd, paramSchema, xmlValue } from './helpers.js';

/** Reads `<open>…</close>` pairs repeatedly; returns the pairs and where they stop. */
function readPairs(
  a: string,
  from: number,
  pair: RegExp,
): { pairs: [string, string][]; end: number } {
  const pairs: [string, string][] = [];
  let i = from;
  for (;;) {
    pair.lastIndex = i;
    const m = pair.exec(a);
    if (!m || m.index !== i) return { pairs, end: i };
    pairs.push([m[1]!, m[2]!]);
    i = m.index + m[0].length;
  }
}

function toArgs(ctx: BlockContext, name: string, pairs: [string, string][]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of pairs) args[k] = xmlValue(v, paramSchema(ctx, name, k));
  return args;
}

function incompleteOrBad(a: string, at: number, close: string, ctx: BlockContext, what: string): BlockResult {
  const closed = a.indexOf(close, at) >= 0;
  return { kind: 'problem', reason: closed ? `malformed ${what}` : 'incomplete call', end: failEnd(a, at, close), incomplete: !closed };
}

/**
 * GLM 4.5–4.7 / Spark / Laguna / Ling 3 (GLM-4.6.jinja, GLM-4.7-Flash.jinja, poolside-Laguna-*.jinja,
 * inclusionai-ling-3.0-flash.jinja): `<tool_call>f\n<arg_key>k</arg_key>\n<arg_value>v</arg_value>\n</tool_call>`
 * (GLM-4.7 drops the newlines). llama.cpp tests "GLM-4.6 tests".
 */
export const glm: FamilyHandler = {
  parseBlock(a, s, ctx) {
    const open = '<tool_call>';
    const close = '</tool_call>';
    const m = /^\s*([^\s<]+)/.exec(a.slice(s + open.length, s + open.length + 256));
    if (!m) return incompleteOrBad(a, s, close, ctx, 'call');
    const name = m[1]!;
    const at = s + open.length + m[0].length;
    const { pairs, end } = readPairs(a, at, /\s*<arg_key>([\s\S]*?)<\/arg_key>\s*<arg_value>([\s\S]*?)<\/arg_value>/y);
    const j = end;
    if (!a.slice(j).trimStart().startsWith(close)) {
      if (a.slice(j).trim() === '' && !ctx.truncated && pairs.length > 0) {
        return { kind: 'calls', calls: [{ name, arguments: toArgs(ctx, name, pairs) }], end: a.length };
      }
      return incompleteOrBad(a, j, close, ctx, 'arguments');
    }
    return closeBlock(a, j, ctx, close, [{ name, arguments: toArgs(ctx, name, pairs) }]);
  },
  grammar: {
    call(t, _f, sink) {
      const pair = (k: string, v: string) => `${gbnfLiteral(`<arg_key>${k}</arg_key>\n<arg_value>`)} ${v} ${gbnfLiteral('</arg_value>\n')}`;
      return rawValueCall(t, sink, pair, `<tool_call>${t.name}\n`, '</tool_call>');
    },
  },
};

/** `<function=f>` + `<parameter=k>\nv\n</parameter>` elements + `</function>`, inside `open`/`close`. */
function parseFunctionXml(a: string, s: number, ctx: BlockContext, open: string, close: string): BlockResult {
  const head = /^\s*<function=([^>\s]+)>/.exec(a.slice(s + open.length, s + open.length + 512));
  if (!head) return incompleteOrBad(a, s + open.length, close, ctx, 'call');
  const name = head[1]!;
  const at = s + open.length + head[0].length;
  // Values are framed by one newline on each side; more is part of the value.
  const { pairs, end } = readPairs(a, at, /\s*<parameter=([^>\s]+)>\n?([\s\S]*?)\n?<\/parameter>/y);
  const rest = a.slice(end);
  const fnClose = /^\s*<\/function>/.exec(rest);
  if (!fnClose) return incompleteOrBad(a, end, close, ctx, 'arguments');
  const call: RawCall = { name, arguments: toArgs(ctx, name, pairs) };
  return closeBlock(a, end + fnClose[0].length, ctx, close, [call]);
}

function functionXmlGrammar(open: string, close: string): FamilyHandler['grammar'] {
  return {
    call(t, _f, sink) {
      sink.rule('xml-raw-value', '[^<]*');
      const body = paramSequence(
        t,
        sink,
        'xml-raw-value',
        (k, v) => `${gbnfLiteral(`<parameter=${k}>\n`)} ${v} ${gbnfLiteral('\n</parameter>\n')}`,
      );
      return `${gbnfLiteral(`${open}\n<function=${t.name}>\n`)} ${body} ${gbnfLiteral(`</function>\n${close}`)}`;
    },
  };
}

/**
 * Qwen3-Coder / Qwen 3.5 / Nemotron 3 Nano / StepFun 3.5 (Qwen3-Coder.jinja, Qwen3.5-4B.jinja,
 * NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja, StepFun3.5-Flash.jinja):
 * `<tool_call>\n<function=f>\n<parameter=k>\nv\n</parameter>\n</function>\n</tool_call>`
 * (llama.cpp `common_chat_params_init_qwen3_coder`).
 */
export const qwen3Coder: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseFunctionXml(a, s, ctx, '<tool_call>', '</tool_call>'),
  grammar: functionXmlGrammar('<tool_call>', '</tool_call>'),
};

/** Seed-OSS (ByteDance-Seed-OSS.jinja): the Qwen3-Coder elements inside `<seed:tool_call>…</seed:tool_call>`. */
export const seedOss: FamilyHandler = {
  parseBlock: (a, s, ctx) => parseFunctionXml(a, s, ctx, '<seed:tool_call>', '</seed:tool_call>'),
  grammar: functionXmlGrammar('<seed:tool_call>', '</seed:tool_call>'),
};

/**
 * MiniMax-M2 (MiniMax-M2.jinja): `<minimax:tool_call>\n<invoke name="f">\n<parameter name="k">v</parameter>\n</invoke>\n</minimax:tool_call>`,
 * several `<invoke>` per block.
 */
export const minimaxM2: FamilyHandler = {
  parseBlock(a, s, ctx) {
    const open = '<minimax:tool_call>';
    const close = '</minimax:tool_call>';
    const calls: RawCall[] = [];
    let i = s + open.length;
    for (;;) {
      const head = /^\s*<invoke name="([^"]+)">/.exec(a.slice(i, i + 512));
      if (!head) break;
      const name = head[1]!;
      const { pairs, end } = readPairs(a, i + head[0].length, /\s*<parameter name="([^"]+)">([\s\S]*?)<\/parameter>/y);
      const inv = /^\s*<\/invoke>/.exec(a.slice(end));
      if (!inv) return incompleteOrBad(a, end, close, ctx, 'invoke');
      calls.push({ name, arguments: toArgs(ctx, name, pairs) });
      i = end + inv[0].length;
    }
    if (calls.length === 0) return incompleteOrBad(a, i, close, ctx, 'call');
    return closeBlock(a, i, ctx, close, calls);
  },
  grammar: {
    call(t, _f, sink) {
      const pair = (k: string, v: string) => `${gbnfLiteral(`<parameter name="${k}">`)} ${v} ${gbnfLiteral('</parameter>\n')}`;
      return rawValueCall(t, sink, pair, `<minimax:tool_call>\n<invoke name="${t.name}">\n`, '</invoke>\n</minimax:tool_call>');
    },
  },
};

/** A call whose parameters are written as raw text between tags (`pair` wraps one), inside `open`…`close`. */
function rawValueCall(t: Parameters<FamilyHandler['grammar']['call']>[0], sink: Parameters<FamilyHandler['grammar']['call']>[2], pair: (key: string, value: string) => string, open: string, close: string): string {
  sink.rule('xml-raw-value', '[^<]*');
  return `${gbnfLiteral(open)} ${paramSequence(t, sink, 'xml-raw-value', pair)} ${gbnfLiteral(close)}`;
}
