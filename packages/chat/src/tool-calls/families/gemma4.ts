/**
 * Gemma 4 (google-gemma-4-31B-it.jinja; llama.cpp `common_chat_params_init_gemma4`):
 * `<|tool_call>call:f{city:<|"|>Paris<|"|>,days:3}<tool_call|>`: an object syntax with bare keys and
 * strings quoted by the `<|"|>` token; numbers, true/false/null, lists and nested objects as in JSON.
 */
import { scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler, GrammarTool } from '../family.js';
import { gbnfLiteral, toolParams } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd } from './helpers.js';

const OPEN = '<|tool_call>call:';
const CLOSE = '<tool_call|>';
const Q = '<|"|>';

class Fail {
  constructor(readonly incomplete: boolean) {}
}

/** Parses one Gemma value at `i`; returns it and where it ends. */
function value(a: string, i: number): [unknown, number] {
  while (a[i] === ' ' || a[i] === '\n') i++;
  if (i >= a.length) throw new Fail(true);
  if (a.startsWith(Q, i)) {
    const end = a.indexOf(Q, i + Q.length);
    if (end < 0) throw new Fail(true);
    return [a.slice(i + Q.length, end), end + Q.length];
  }
  if (Q.startsWith(a.slice(i))) throw new Fail(true);
  if (a[i] === '"') {
    // JSON strings are read too (what a JSON-schema grammar writes inside lists and objects).
    const scan = scanJsonValue(a, i);
    if (!scan.ok) throw new Fail(scan.reason === 'incomplete');
    return [scan.value, scan.end];
  }
  if (a[i] === '{') return object(a, i);
  if (a[i] === '[') {
    const out: unknown[] = [];
    i++;
    if (a[i] === ']') return [out, i + 1];
    for (;;) {
      const [v, j] = value(a, i);
      out.push(v);
      if (j >= a.length) throw new Fail(true);
      if (a[j] === ']') return [out, j + 1];
      if (a[j] !== ',') throw new Fail(false);
      i = j + 1;
    }
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(a.slice(i, i + 64));
  if (!m) throw new Fail(false);
  if (i + m[0].length >= a.length) throw new Fail(true);
  return [JSON.parse(m[0]), i + m[0].length];
}

function object(a: string, i: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  i++;
  if (i >= a.length) throw new Fail(true);
  if (a[i] === '}') return [out, i + 1];
  for (;;) {
    const key = /^[^:{}[\],<]+(?=:)/.exec(a.slice(i, i + 256));
    if (!key) throw new Fail(!/[:{}[\],]/.test(a.slice(i)));
    const [v, j] = value(a, i + key[0].length + 1);
    out[key[0].trim().replace(/^"(.*)"$/, '$1')] = v;
    if (j >= a.length) throw new Fail(true);
    if (a[j] === '}') return [out, j + 1];
    if (a[j] !== ',') throw new Fail(false);
    i = j + 1;
  }
}

export const gemma4: FamilyHandler = {
  parseBlock(a, s, ctx): BlockResult {
    const at = s + OPEN.length;
    const m = /^([^{\s<]+)\{/.exec(a.slice(at, at + 256));
    if (!m) {
      const partial = /^[^{\s<]*$/.test(a.slice(at));
      return { kind: 'problem', reason: partial ? 'incomplete call' : 'malformed call', end: partial ? a.length : failEnd(a, at, CLOSE), incomplete: partial };
    }
    try {
      const [args, end] = object(a, at + m[1]!.length);
      return closeBlock(a, end, ctx, CLOSE, [{ name: m[1], arguments: args }]);
    } catch (e) {
      const incomplete = e instanceof Fail && e.incomplete && a.indexOf(CLOSE, at) < 0;
      return { kind: 'problem', reason: incomplete ? 'incomplete arguments' : 'malformed arguments', end: failEnd(a, at, CLOSE), incomplete };
    }
  },
  grammar: {
    // String values in `<|"|>` quotes; other values as JSON, which the parser also reads.
    call(t: GrammarTool, _f, sink) {
      sink.rule('gemma-string', `${gbnfLiteral(Q)} [^<]* ${gbnfLiteral(Q)}`);
      const params = toolParams(t).map((p, j) => {
        const type = (p.schema as { type?: unknown } | undefined)?.type;
        let rule = 'gemma-string';
        if (type !== 'string') {
          rule = `tool-${t.index}-arg-${j}`;
          sink.schema(rule, p.schema ?? {});
        }
        return { ...p, item: `${gbnfLiteral(`${p.key}:`)} ${rule}` };
      });
      const required = params.filter((p) => p.required);
      const optional = params.filter((p) => !p.required);
      let args = required.map((p) => p.item).join(` ${gbnfLiteral(',')} `);
      if (required.length > 0) for (const p of optional) args += ` ( ${gbnfLiteral(',')} ${p.item} )?`;
      else if (optional.length > 0) {
        args = `( ${optional[0]!.item}${optional.slice(1).map((p) => ` ( ${gbnfLiteral(',')} ${p.item} )?`).join('')} )?`;
      }
      return `${gbnfLiteral(`${OPEN}${t.name}{`)} ${args} ${gbnfLiteral(`}${CLOSE}`)}`;
    },
  },
};
