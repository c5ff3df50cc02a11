import type { GrammarSink, GrammarTool } from './family.js';

/**
 * A GBNF string literal for `s`: double quotes, with `\\`, `"`, newline, carriage return and tab
 * escaped (the escapes llama.cpp's GBNF parser reads in `parse_char`), other control characters as `\xHH`.
 */
export function gbnfLiteral(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** `{"name": "<tool>", "<argsKey>": <args>}` with the family's key names and fixed spacing. */
export function jsonCallObject(tool: GrammarTool, argsKey = 'arguments', nameKey = 'name', extra = ''): string {
  return `${gbnfLiteral(`{${extra}"${nameKey}": ${JSON.stringify(tool.name)}, "${argsKey}": `)} ${tool.argsRule} ${gbnfLiteral('}')}`;
}

/** Properties of a tool's parameters schema, required ones first, in schema order. */
export function toolParams(tool: GrammarTool): { key: string; schema: unknown; required: boolean }[] {
  const props = (tool.parameters['properties'] ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(tool.parameters['required']) ? (tool.parameters['required'] as string[]) : []);
  const keys = Object.keys(props);
  return [...keys.filter((k) => required.has(k)), ...keys.filter((k) => !required.has(k))].map((key) => ({
    key,
    schema: props[key],
    required: required.has(key),
  }));
}

/**
 * One rule per parameter value for XML-style families, where string values are written raw and
 * other values as JSON: string parameters get `raw`; the others a schema rule `tool-I-arg-J`.
 */
export function paramValueRule(tool: GrammarTool, j: number, schema: unknown, sink: GrammarSink, raw: string): string {
  const type = (schema as { type?: unknown } | undefined)?.type;
  if (type === 'string') return raw;
  const name = `tool-${tool.index}-arg-${j}`;
  sink.schema(name, schema ?? {});
  return name;
}

/**
 * Sequence of the tool's parameters, each rendered by `render(key, valueRule)`: required ones in
 * order, each optional one optional (in order). The parser accepts any order; the grammar picks one.
 */
export function paramSequence(
  tool: GrammarTool,
  sink: GrammarSink,
  raw: string,
  render: (key: string, valueRule: string) => string,
): string {
  const parts = toolParams(tool).map((p, j) => {
    const item = render(p.key, paramValueRule(tool, j, p.schema, sink, raw));
    return p.required ? item : `( ${item} )?`;
  });
  return parts.join(' ');
}
