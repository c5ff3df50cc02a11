/**
 * GPT-OSS "harmony" format (openai-gpt-oss-120b.jinja; llama.cpp `common_chat_params_init_gpt_oss`).
 * The prompt ends with `<|start|>assistant`; the reply is channel messages:
 * `<|channel|>analysis<|message|>…<|end|>` (reasoning), `<|start|>assistant<|channel|>final<|message|>…` (answer),
 * and calls `<|channel|>commentary to=functions.f <|constrain|>json<|message|>{…}<|call|>`
 * (the recipient may also come before the channel: ` to=functions.f<|channel|>commentary…`).
 */
import { scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler } from '../family.js';
import { gbnfLiteral } from '../tool-call-grammar-helpers.js';

const HEADER =
  /^(?:<\|start\|>assistant)?(?:<\|channel\|>(?:commentary|analysis))?\s*to=functions\.([^\s<]+)\s*(?:<\|channel\|>(?:commentary|analysis))?\s*(?:<\|constrain\|>\s*json)?\s*<\|message\|>/;

export const gptOss: FamilyHandler = {
  parseBlock(a, s): BlockResult {
    const m = HEADER.exec(a.slice(s, s + 512));
    if (!m) {
      const partial = !/<\|message\|>/.test(a.slice(s));
      return { kind: 'problem', reason: partial ? 'incomplete call header' : 'malformed call header', end: a.length, incomplete: partial };
    }
    const scan = scanJsonValue(a, s + m[0].length);
    if (!scan.ok) {
      const callEnd = a.indexOf('<|call|>', s);
      return {
        kind: 'problem',
        reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON',
        end: callEnd < 0 ? a.length : callEnd + '<|call|>'.length,
        incomplete: scan.reason === 'incomplete' && callEnd < 0,
      };
    }
    const rest = /^\s*<\|call\|>/.exec(a.slice(scan.end));
    const end = rest ? scan.end + rest[0].length : scan.end;
    return { kind: 'calls', calls: [{ name: m[1], arguments: scan.value }], end };
  },
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`<|channel|>commentary to=functions.${t.name} <|constrain|>json<|message|>`)} ${t.argsRule} ${gbnfLiteral('<|call|>')}`,
  },
};
