import { Gpt4AllError } from '@gpt4all/errors';
import { SchemaError } from './errors/schema-error.js';
import { toError } from './errors/to-error.js';
import type { NativeGrammar, NativeGrammarResult } from './native/binding.js';
import { loadBinding } from './native/load-binding.js';

/** A JSON Schema (draft 2020-12 or 7), as an object (or `true`, any JSON). */
export type JsonSchema = Record<string, unknown> | boolean;

/**
 * A GBNF grammar (the syntax of llama.cpp's `grammars/README.md`) for {@link GenerateOptions.grammar}.
 * A lazy grammar leaves output free until a trigger appears, then constrains it from there:
 * llama.cpp's `llama_sampler_init_grammar_lazy_patterns`.
 */
export interface Grammar {
  /** The rules, in GBNF. */
  gbnf: string;
  /** The rule output starts from. Default `root`. */
  root?: string;
  /**
   * Regular expressions (ECMAScript syntax, as C++ `std::regex` reads it) matched against the
   * text generated so far; the grammar applies from the first group of the first match (or the
   * whole match). One that starts with `^` and ends with `$` must match all of the text.
   */
  triggerPatterns?: string[];
  /** Token ids that trigger the grammar, which then applies from that token. */
  triggerTokens?: number[];
}

/**
 * The GBNF grammar (start rule `root`) that accepts exactly the JSON documents the schema
 * describes, produced by llama.cpp's own converter (`common/json-schema-to-grammar.cpp`). Takes
 * microseconds to a few milliseconds; no model is needed. Pass JSON text to keep the order of
 * properties named like integers (`"1"`, `"2"`), which a JavaScript object moves to the front.
 *
 * @throws {SchemaError} `ERR_SCHEMA_INVALID` for a schema that is not one (an unresolvable
 *   `$ref`, an unknown `type`, an invalid `pattern`), `ERR_SCHEMA_UNSUPPORTED` naming the keyword
 *   for one the grammar cannot enforce (`multipleOf`, `uniqueItems`, `not`, `format: uri`,
 *   ranges on `number` rather than `integer`, ...; the list is in `crates/core/src/json_schema.rs`).
 *   Beyond llama.cpp's converter: `format: email` and `ipv4`, a known format beside a `pattern`
 *   (the pattern wins), `\d`/`\w`/`\s` in patterns, `"$ref": "#"` and `propertyNames` of any string.
 */
export function jsonSchemaToGrammar(schema: JsonSchema | string): string {
  return grammarOf(loadBinding().binding.jsonSchemaToGrammar(schemaText(schema, 'schema')));
}

/**
 * One grammar from JSON schemas and GBNF rules that use them (llama.cpp's `build_grammar`): each
 * schema becomes the rule of its name (helper rules are prefixed with it), and `rules` (`name ::=
 * body`) wrap them, one of them `root`. This is how a tool call's syntax wraps its arguments'
 * schema: `rules: { root: '"<tool_call>" args "</tool_call>"' }, schemas: { args: parameters }`.
 *
 * @param parts.schemas - rule name (`[a-z0-9-]+`) → JSON schema.
 * @param parts.rules - rule name → GBNF rule body.
 * @throws {SchemaError} as {@link jsonSchemaToGrammar}.
 * @throws {Gpt4AllError} `ERR_INVALID_ARGUMENT` for a schema name that is not a valid rule name.
 */
export function buildGrammar(parts: { schemas?: Record<string, JsonSchema | string>; rules?: Record<string, string> }): string {
  const schemas = Object.entries(parts.schemas ?? {}).map(([name, schema]) => ({ name, text: schemaText(schema, `schema '${name}'`) }));
  const rules = Object.entries(parts.rules ?? {}).map(([name, text]) => ({ name, text }));
  return grammarOf(loadBinding().binding.buildGrammar(schemas, rules));
}

/** The native form of a generation's grammar options; at most one of `grammar` and `jsonSchema`. */
export function nativeGrammarOf(grammar: string | Grammar | undefined, jsonSchema: JsonSchema | string | undefined): NativeGrammar | undefined {
  if (grammar !== undefined && jsonSchema !== undefined) {
    throw new Gpt4AllError('ERR_INVALID_ARGUMENT', 'invalid argument: set grammar or jsonSchema, not both');
  }
  if (jsonSchema !== undefined) return { gbnf: jsonSchemaToGrammar(jsonSchema) };
  if (grammar === undefined) return undefined;
  if (typeof grammar === 'string') return { gbnf: grammar };
  if (typeof grammar !== 'object' || grammar === null || typeof grammar.gbnf !== 'string') {
    throw new Gpt4AllError('ERR_INVALID_ARGUMENT', 'invalid argument: grammar must be GBNF text or { gbnf, root?, triggerPatterns?, triggerTokens? }');
  }
  return grammar;
}

function schemaText(schema: JsonSchema | string, what: string): string {
  if (typeof schema === 'string') return schema;
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new SchemaError('ERR_SCHEMA_INVALID', `invalid JSON schema: the ${what} must be an object or a boolean`);
  }
  try {
    return JSON.stringify(schema);
  } catch (cause) {
    throw new SchemaError('ERR_SCHEMA_INVALID', `invalid JSON schema: the ${what} cannot be written as JSON (${String(cause)})`);
  }
}

function grammarOf(result: NativeGrammarResult): string {
  if (result.error) throw toError(result.error);
  return result.grammar!;
}
