/**
 * DeepSeek R1 and V3.1 tool calls (deepseek-ai-DeepSeek-R1-Distill-*.jinja, llama-cpp-deepseek-r1.jinja,
 * deepseek-ai-DeepSeek-V3.1.jinja). The markers use fullwidth bars (U+FF5C) and U+2581 "▁":
 * - R1: `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{…}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>`
 * - V3.1: `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{…}<｜tool▁call▁end｜><｜tool▁calls▁end｜>`
 * Both forms are read by both families (models mix them up).
 */
import { scanJsonValue } from '../json-scan.js';
import type { BlockResult, FamilyHandler, RawCall } from '../family.js';
import { gbnfLiteral } from '../tool-call-grammar-helpers.js';
import { closeBlock, failEnd } from './helpers.js';

export const DS_CALLS_BEGIN = '<｜tool▁calls▁begin｜>';
export const DS_CALLS_END = '<｜tool▁calls▁end｜>';
export const DS_CALL_BEGIN = '<｜tool▁call▁begin｜>';
export const DS_CALL_END = '<｜tool▁call▁end｜>';
export const DS_SEP = '<｜tool▁sep｜>';

function parseDeepSeek(a: string, s: number, ctx: { truncated: boolean }): BlockResult {
  let i = s;
  const wrapped = a.startsWith(DS_CALLS_BEGIN, s);
  if (wrapped) i += DS_CALLS_BEGIN.length;
  const calls: RawCall[] = [];
  const problem = (reason: string, at: number): BlockResult => {
    const closed = a.indexOf(wrapped ? DS_CALLS_END : DS_CALL_END, at) >= 0;
    return {
      kind: 'problem',
      reason: closed ? reason : 'incomplete call',
      end: failEnd(a, at, wrapped ? DS_CALLS_END : DS_CALL_END),
      incomplete: !closed,
    };
  };
  for (;;) {
    const rest = a.slice(i);
    const lead = rest.length - rest.trimStart().length;
    if (!a.startsWith(DS_CALL_BEGIN, i + lead)) break;
    i += lead + DS_CALL_BEGIN.length;
    const sep = a.indexOf(DS_SEP, i);
    if (sep < 0 || sep - i > 256) return problem('expected tool separator', i);
    let name: string;
    let argsAt: number;
    let fenced = false;
    if (a.slice(i, sep) === 'function') {
      // R1: the name follows the separator, then a ```json fence.
      const m = /^([^\n`]+)\n```(?:json)?\s*/.exec(a.slice(sep + DS_SEP.length, sep + DS_SEP.length + 512));
      if (!m) return problem('expected name and ```json', sep);
      name = m[1]!.trim();
      argsAt = sep + DS_SEP.length + m[0].length;
      fenced = true;
    } else {
      name = a.slice(i, sep).trim();
      argsAt = sep + DS_SEP.length;
    }
    const scan = scanJsonValue(a, argsAt);
    if (!scan.ok) return problem(scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON', argsAt);
    let j = scan.end;
    if (fenced) {
      const f = /^\s*```/.exec(a.slice(j));
      if (f) j += f[0].length;
    }
    const end = /^\s*/.exec(a.slice(j))![0].length + j;
    if (!a.startsWith(DS_CALL_END, end)) return problem('expected ' + DS_CALL_END, end);
    calls.push({ name, arguments: scan.value });
    i = end + DS_CALL_END.length;
  }
  if (calls.length === 0) return problem('expected ' + DS_CALL_BEGIN, i);
  return closeBlock(a, i, ctx, wrapped ? DS_CALLS_END : undefined, calls);
}

/** DeepSeek R1 (and its distills): the fenced `function<｜tool▁sep｜>name` form. */
export const deepseekR1: FamilyHandler = {
  parseBlock: parseDeepSeek,
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`${DS_CALLS_BEGIN}${DS_CALL_BEGIN}function${DS_SEP}${t.name}\n\`\`\`json\n`)} ${t.argsRule} ${gbnfLiteral(`\n\`\`\`${DS_CALL_END}${DS_CALLS_END}`)}`,
  },
};

/** DeepSeek V3.1: `name<｜tool▁sep｜>{json}`. */
export const deepseekV31: FamilyHandler = {
  parseBlock: parseDeepSeek,
  grammar: {
    call: (t) =>
      `${gbnfLiteral(`${DS_CALLS_BEGIN}${DS_CALL_BEGIN}${t.name}${DS_SEP}`)} ${t.argsRule} ${gbnfLiteral(`${DS_CALL_END}${DS_CALLS_END}`)}`,
  },
};
