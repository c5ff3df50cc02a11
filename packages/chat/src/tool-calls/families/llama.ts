/**
 * Llama 3.x and the Functionary models built on it.
 */
import { scanJsonValue, skipWhitespace } from '../json-scan.js';
import type { BlockResult, FamilyHandler, StartKind } from '../family.js';
import { parsePythonCalls } from '../python-call.js';
import { gbnfLiteral, jsonCallObject } from '../tool-call-grammar-helpers.js';
import { callFromObject, closeBlock, failEnd, regexEscape } from './helpers.js';

const PYTHON_TAG = '<|python_tag|>';

/** A JSON call object at `start`; prose that merely starts with `{` stays text without a problem. */
function parseJsonCallAt(a: string, start: number, ctx: { truncated: boolean }): BlockResult {
  const scan = scanJsonValue(a, start);
  const looksLikeCall = /^\s*\{\s*"(?:name|type|function)"/.test(a.slice(start, start + 64));
  if (!scan.ok) {
    if (!looksLikeCall && !/^\s*\{\s*"?$/.test(a.slice(start))) return { kind: 'text', text: a.slice(start), end: a.length };
    return {
      kind: 'problem',
      reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON',
      end: a.length,
      incomplete: scan.reason === 'incomplete',
    };
  }
  const call = callFromObject(scan.value);
  if (!call) {
    if (!looksLikeCall) return { kind: 'text', text: a.slice(start, scan.end), end: scan.end };
    return { kind: 'problem', reason: 'not a tool call (no name)', end: scan.end };
  }
  return closeBlock(a, scan.end, ctx, undefined, [call]);
}

/** After `<|python_tag|>`: a JSON call, a built-in `name.call(k=v)`, or raw Python code (the `python` tool). */
function parsePythonTag(a: string, start: number, ctx: { truncated: boolean }): BlockResult {
  const at = skipWhitespace(a, start + PYTHON_TAG.length);
  if (a[at] === '{') return parseJsonCallAt(a, at, ctx);
  if (/^[A-Za-z_][\w]*\.call\s*\(/.test(a.slice(at, at + 128))) {
    const p = parsePythonCalls(a, at);
    if (!p.ok) return { kind: 'problem', reason: `${p.reason} built-in call`, end: a.length, incomplete: p.reason === 'incomplete' };
    return { kind: 'calls', calls: p.calls, end: p.end };
  }
  // Everything up to the end of the message is code (the turn ends with <|eom_id|>).
  if (ctx.truncated) return { kind: 'problem', reason: 'incomplete code', end: a.length, incomplete: true };
  const code = a.slice(at).trimEnd();
  if (code === '') return { kind: 'problem', reason: 'empty code', end: a.length };
  return { kind: 'calls', calls: [{ name: 'python', arguments: { code } }], end: a.length };
}

/**
 * Llama 3.1 / 3.2 / 3.3 (meta-llama-Llama-3.*-Instruct.jinja; llama.cpp's former
 * `common_chat_params_init_llama_3_x`): a reply that is only `{"name": "f", "parameters": {…}}`, or,
 * with built-in tools (3.1/3.3), `<|python_tag|>brave_search.call(query="…")` / `wolfram_alpha.call(…)` /
 * `<|python_tag|>{"name": …}`.
 */
export const llama3: FamilyHandler = {
  classifyStart(answer): StartKind {
    return answer.startsWith('{') ? { kind: 'call' } : answer === '' ? undefined : { kind: 'text', skip: 0 };
  },
  parseBlock(a, s, ctx) {
    return a.startsWith(PYTHON_TAG, s) ? parsePythonTag(a, s, ctx) : parseJsonCallAt(a, s, ctx);
  },
  grammar: {
    // The optional tag lets the grammar take over from either trigger.
    call: (t) => `${gbnfLiteral(PYTHON_TAG)}? ${jsonCallObject(t, 'parameters')}`,
    triggerPatterns: () => ['^\\s*(\\{")[\\s\\S]*$', regexEscape(PYTHON_TAG)],
  },
};

/**
 * Functionary v3.1 (meetkai-functionary-medium-v3.1.jinja; llama.cpp's former
 * `common_chat_params_init_functionary_v3_1_llama_3_1`): `<function=f>{…}</function>`, and
 * `<|python_tag|>` followed by Python code for the `python` tool (arguments `{code}`).
 */
export const functionaryV31: FamilyHandler = {
  parseBlock(a, s, ctx) {
    if (a.startsWith(PYTHON_TAG, s)) return parsePythonTag(a, s, ctx);
    const m = /^<function=([^>\s]+)>/.exec(a.slice(s, s + 512));
    if (!m) {
      const partial = /^<function=[^>\s]*$/.test(a.slice(s));
      return { kind: 'problem', reason: partial ? 'incomplete call' : 'malformed call', end: partial ? a.length : failEnd(a, s, '</function>'), incomplete: partial };
    }
    const scan = scanJsonValue(a, s + m[0].length);
    if (!scan.ok) {
      const closed = a.indexOf('</function>', s) >= 0;
      return { kind: 'problem', reason: closed ? 'malformed JSON' : 'incomplete JSON', end: failEnd(a, s, '</function>'), incomplete: !closed };
    }
    return closeBlock(a, scan.end, ctx, '</function>', [{ name: m[1], arguments: scan.value }]);
  },
  grammar: {
    call: (t) =>
      t.name === 'python'
        ? `${gbnfLiteral(PYTHON_TAG)} [^\\x00]*`
        : `${gbnfLiteral(`<function=${t.name}>`)} ${t.argsRule} ${gbnfLiteral('</function>')}`,
    triggerPatterns: (tools) => [
      ...(tools.some((t) => t.name !== 'python') ? [regexEscape('<function=')] : []),
      ...(tools.some((t) => t.name === 'python') ? [regexEscape(PYTHON_TAG)] : []),
    ],
  },
};

/**
 * Functionary v3.2 (meetkai-functionary-medium-v3.2.jinja; llama.cpp `common_chat_params_init_functionary_v3_2`):
 * the prompt ends with `>>>`, so the reply starts with a recipient line: `all\n` then text, or
 * `f\n{…}` for a call; further messages follow as `>>>f\n{…}` / `>>>all\n…`. `python` takes raw code.
 */
export const functionaryV32: FamilyHandler = {
  classifyStart(answer, final): StartKind {
    if (answer.startsWith('all\n')) return { kind: 'text', skip: 4 };
    const nl = answer.indexOf('\n');
    const line = nl < 0 ? answer : answer.slice(0, nl);
    if (!/^[A-Za-z_][\w.-]*$/.test(line)) return line === '' && !final ? undefined : { kind: 'text', skip: 0 };
    if (nl < 0) return final ? { kind: 'text', skip: 0 } : undefined;
    return { kind: 'call' };
  },
  parseBlock(a, s, ctx): BlockResult {
    const at = a.startsWith('>>>', s) ? s + 3 : s;
    const m = /^([A-Za-z_][\w.-]*)\n/.exec(a.slice(at, at + 256));
    if (!m) {
      const partial = /^[A-Za-z_][\w.-]*$/.test(a.slice(at)) || a.slice(at) === '';
      return { kind: 'problem', reason: partial ? 'incomplete recipient' : 'malformed recipient', end: a.length, incomplete: partial };
    }
    const body = at + m[0].length;
    const next = a.indexOf('>>>', body);
    const stop = next < 0 ? a.length : next;
    if (m[1] === 'all') return { kind: 'text', text: a.slice(body, stop), end: stop };
    if (m[1] === 'python' && a[skipWhitespace(a, body)] !== '{') {
      if (ctx.truncated && next < 0) return { kind: 'problem', reason: 'incomplete code', end: a.length, incomplete: true };
      return { kind: 'calls', calls: [{ name: 'python', arguments: { code: a.slice(body, stop).trim() } }], end: stop };
    }
    const scan = scanJsonValue(a, body);
    if (!scan.ok) {
      return { kind: 'problem', reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON', end: stop, incomplete: scan.reason === 'incomplete' && next < 0 };
    }
    return { kind: 'calls', calls: [{ name: m[1], arguments: scan.value }], end: scan.end };
  },
  grammar: {
    call: (t) => `${gbnfLiteral('>>>')}? ${gbnfLiteral(`${t.name}\n`)} ${t.argsRule}`,
    triggerPatterns: (tools) => {
      const names = tools.map((t) => regexEscape(t.name)).join('|');
      return [`^((?:${names})\\n)[\\s\\S]*$`, `(>>>(?:${names})\\n)`];
    },
  },
};
