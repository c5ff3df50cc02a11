// The cases of llama.cpp's own converter test (vendor/llama.cpp/tests/test-json-schema-to-grammar.cpp),
// read from its C++ source: each `test({ SUCCESS|FAILURE, "name", R"""(schema)""", R"""(grammar)""" })`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './models.js';

export interface JsonSchemaCase {
  name: string;
  expectSuccess: boolean;
  schema: string;
  grammar: string;
}

export const jsonSchemaTestFile = join(repoRoot, 'vendor/llama.cpp/tests/test-json-schema-to-grammar.cpp');

export function readJsonSchemaCases(): JsonSchemaCase[] {
  const source = readFileSync(jsonSchemaTestFile, 'utf8');
  const rawString = String.raw`R"""\(([\s\S]*?)\)"""`;
  const cString = String.raw`"((?:[^"\\]|\\.)*)"`;
  const pattern = new RegExp(
    String.raw`test\(\{\s*(SUCCESS|FAILURE),\s*${cString},\s*(?:${rawString}|${cString}),\s*(?:${rawString}|"")\s*\}\);`,
    'g',
  );
  const unescape = (text: string) => JSON.parse(`"${text}"`) as string;
  return [...source.matchAll(pattern)].map((m) => ({
    expectSuccess: m[1] === 'SUCCESS',
    name: unescape(m[2]!),
    schema: m[3] ?? unescape(m[4]!),
    grammar: m[5] ?? '',
  }));
}

/** The test's own comparison: outer blanks trimmed, and each line's leading blanks. */
export function trimGrammar(text: string): string {
  return text.trim().replace(/(^|\n)[ \t]+/g, '$1');
}
