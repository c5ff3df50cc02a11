import { isJsonObject, scanJsonValue, skipWhitespace } from '../json-scan.js';
import type { BlockContext, BlockResult, RawCall } from '../family.js';

/** Where a failed block ends: after its closing tag when there is one, else the end of the text. */
export function failEnd(answer: string, from: number, close: string | undefined): number {
  if (!close) return answer.length;
  const i = answer.indexOf(close, from);
  return i < 0 ? answer.length : i + close.length;
}

/** Reads a call out of an object in the common `{"name": …, "arguments"|"parameters": …, "id"?: …}` shape. */
export function callFromObject(value: unknown, nameKey = 'name', idKey = 'id'): RawCall | undefined {
  if (!isJsonObject(value)) return undefined;
  // Some models nest OpenAI-style: {"type": "function", "function": {"name", "arguments"}}.
  const fn = isJsonObject(value['function']) ? value['function'] : value;
  const name = fn[nameKey] ?? fn['name'];
  if (typeof name !== 'string') return undefined;
  const args = 'arguments' in fn ? fn['arguments'] : fn['parameters'];
  const rawId = value[idKey] ?? value['id'];
  return {
    name,
    arguments: args,
    ...(typeof rawId === 'string' || typeof rawId === 'number' ? { id: String(rawId) } : {}),
  };
}

/**
 * `open` JSON `close`: the JSON is an object (one call) or, with `array`, a list of calls.
 * A missing `close` is accepted at the end of a complete output (models often stop at EOS instead),
 * but not when the output was truncated.
 */
export function parseTaggedJson(
  answer: string,
  start: number,
  ctx: BlockContext,
  open: string,
  close: string | undefined,
  shape: 'object' | 'array' | 'either',
  toCall: (v: unknown) => RawCall | undefined = (v) => callFromObject(v),
): BlockResult {
  const scan = scanJsonValue(answer, start + open.length);
  if (!scan.ok) {
    return {
      kind: 'problem',
      reason: scan.reason === 'incomplete' ? 'incomplete JSON' : 'malformed JSON',
      end: failEnd(answer, start + open.length, close),
      incomplete: scan.reason === 'incomplete' && (!close || answer.indexOf(close, start) < 0),
    };
  }
  const items = Array.isArray(scan.value) ? scan.value : [scan.value];
  if ((shape === 'object' && Array.isArray(scan.value)) || (shape === 'array' && !Array.isArray(scan.value))) {
    return { kind: 'problem', reason: `expected a JSON ${shape}`, end: failEnd(answer, scan.end, close) };
  }
  const calls: RawCall[] = [];
  for (const item of items) {
    const call = toCall(item);
    if (!call) return { kind: 'problem', reason: 'not a tool call (no name)', end: failEnd(answer, scan.end, close) };
    calls.push(call);
  }
  return closeBlock(answer, scan.end, ctx, close, calls);
}

/** Consumes `close` after a call's content; see {@link parseTaggedJson} for the rules. */
export function closeBlock(
  answer: string,
  at: number,
  ctx: BlockContext,
  close: string | undefined,
  calls: RawCall[],
): BlockResult {
  if (!close) return { kind: 'calls', calls, end: at };
  const j = skipWhitespace(answer, at);
  if (answer.startsWith(close, j)) return { kind: 'calls', calls, end: j + close.length };
  if (j >= answer.length) {
    if (ctx.truncated) {
      return { kind: 'problem', reason: 'incomplete: missing ' + close, end: answer.length, incomplete: true };
    }
    return { kind: 'calls', calls, end: answer.length };
  }
  if (close.startsWith(answer.slice(j))) {
    // The closing tag itself was cut off.
    return { kind: 'problem', reason: 'incomplete: missing ' + close, end: answer.length, incomplete: true };
  }
  return { kind: 'problem', reason: `expected ${close}`, end: failEnd(answer, j, close) };
}

/** Decodes an XML-style argument value: JSON when it parses (numbers, objects…), else the raw string. */
export function xmlValue(raw: string, schema: unknown): unknown {
  const type = isJsonObject(schema) ? schema['type'] : undefined;
  if (type === 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Escapes regex metacharacters (for trigger patterns). */
export function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The JSON schema of parameter `param` of tool `name`, when the tools are known. */
export function paramSchema(ctx: BlockContext, name: string, param: string): unknown {
  const tool = ctx.tools?.find((t) => t.function.name === name);
  const props = tool?.function.parameters?.['properties'];
  return isJsonObject(props) ? props[param] : undefined;
}
