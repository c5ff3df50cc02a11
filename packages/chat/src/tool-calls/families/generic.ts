/**
 * llama.cpp's generic handler (the former `common_chat_params_init_generic`) for tool-capable templates of
 * no known family: the reply is one JSON object, `{"tool_call": {"name": …, "arguments": …}}`,
 * `{"tool_calls": [{"name": …, "arguments": …}, …]}` or `{"response": "…"}` (read as text).
 * Any other reply is text.
 */
import { isJsonObject, scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler, RawCall, StartKind } from '../family.js';
import { gbnfLiteral, jsonCallObject } from '../tool-call-grammar-helpers.js';
import { callFromObject, closeBlock } from './helpers.js';

export const generic: FamilyHandler = {
  classifyStart(answer): StartKind {
    return answer.startsWith('{') ? { kind: 'call' } : answer === '' ? undefined : { kind: 'text', skip: 0 };
  },
  parseBlock(a, s, ctx): BlockResult {
    const scan = scanJsonValue(a, s);
    const keyed = /^\s*\{\s*"(?:tool_calls?|response)"/.test(a.slice(s, s + 64));
    if (!scan.ok) {
      if (!keyed && !/^\s*\{\s*"?[a-z_]*$/.test(a.slice(s))) return { kind: 'text', text: a.slice(s), end: a.length };
      return { kind: 'problem', reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON', end: a.length, incomplete: scan.reason === 'incomplete' };
    }
    const v = scan.value;
    if (!isJsonObject(v)) return { kind: 'text', text: a.slice(s, scan.end), end: scan.end };
    if (typeof v['response'] === 'string' && !('tool_call' in v) && !('tool_calls' in v)) {
      return { kind: 'text', text: v['response'], end: scan.end };
    }
    const items = Array.isArray(v['tool_calls']) ? v['tool_calls'] : 'tool_call' in v ? [v['tool_call']] : undefined;
    if (!items) return { kind: 'text', text: a.slice(s, scan.end), end: scan.end };
    const calls: RawCall[] = [];
    for (const item of items) {
      const call = callFromObject(item);
      if (!call) return { kind: 'problem', reason: 'not a tool call (no name)', end: scan.end };
      calls.push(call);
    }
    return closeBlock(a, scan.end, ctx, undefined, calls);
  },
  grammar: {
    call: (t) => `${gbnfLiteral('{"tool_call": ')} ${jsonCallObject(t)} ${gbnfLiteral('}')}`,
    triggerPatterns: () => ['^\\s*(\\{"tool_call)[\\s\\S]*$'],
  },
};
