import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaTestFile, readJsonSchemaCases, trimGrammar } from '../test/json-schema-cases.js';
import { testModelPath } from '../test/models.js';
import { buildGrammar, GrammarError, jsonSchemaToGrammar, loadModel, SchemaError, type Context, type Model } from './index.js';

/**
 * Cases of llama.cpp's converter test that we refuse on purpose: the converter would accept any
 * string where the schema's `pattern` asks for more (it warns and goes on), so we throw
 * ERR_SCHEMA_UNSUPPORTED naming `pattern` instead.
 */
const refusedByDesign: Record<string, string> = {
  'unanchored regexp': 'pattern',
  'unsupported regexp in a property': 'pattern',
};

/** Cases we enforce where the converter gives up: `\d`, `\w` and `\s` become character classes. */
const shorthandsExpanded: Record<string, string> = {
  'regexp with unsupported shorthand': '^[0-9]{3}[A-Za-z0-9_]$',
};

/**
 * llama.cpp's `date` rule allows day 31 in every month (`2024-02-31`), which validators reject;
 * ours allows each month's days (February to the 28th). Cases with a date differ by that rule only.
 */
const llamaDateRule = '[0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] )';
const calendarDateRule =
  '[0-9]{4} "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] ) | ( "0" [469] | "11" ) "-" ( "0" [1-9] | [1-2] [0-9] | "30" ) | "02" "-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) )';

describe.skipIf(!existsSync(jsonSchemaTestFile))("llama.cpp's JSON-schema-to-grammar cases", () => {
  const cases = readJsonSchemaCases();

  it('reads every case of the test file', () => {
    const declared = readFileSync(jsonSchemaTestFile, 'utf8').match(/^\s*test\(\{/gm)?.length;
    expect(cases.length).toBe(declared);
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    // As text: a JavaScript object would reorder properties named like integers.
    const schema = testCase.schema;
    const refused = refusedByDesign[testCase.name];
    const expanded = shorthandsExpanded[testCase.name];
    if (expanded) {
      // The same grammar as the pattern written with classes.
      const written = JSON.stringify({ ...(JSON.parse(schema) as object), pattern: expanded });
      expect(jsonSchemaToGrammar(schema)).toBe(jsonSchemaToGrammar(written));
    } else if (refused) {
      const error = catchError(() => jsonSchemaToGrammar(schema));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error).toMatchObject({ code: 'ERR_SCHEMA_UNSUPPORTED', keyword: refused });
    } else if (testCase.expectSuccess) {
      const expected = trimGrammar(testCase.grammar).replace(`date ::= ${llamaDateRule}`, `date ::= ${calendarDateRule}`);
      expect(trimGrammar(jsonSchemaToGrammar(schema))).toBe(expected);
    } else {
      expect(catchError(() => jsonSchemaToGrammar(schema))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
    }
  });
});

describe('unsupported schemas', () => {
  it.each([
    [{ type: 'integer', multipleOf: 5 }, 'multipleOf', '#'],
    [{ type: 'array', items: { type: 'string' }, uniqueItems: true }, 'uniqueItems', '#'],
    [{ type: 'object', properties: { link: { type: 'string', format: 'uri' } } }, 'format', '#/properties/link'],
    [{ type: 'number', minimum: 0.5 }, 'minimum', '#'],
    [{ not: { type: 'null' } }, 'not', '#'],
    [{ type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }, 'required', '#'],
    [{ type: 'object', patternProperties: { '^x': {} } }, 'patternProperties', '#'],
    [{ type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$', maxLength: 3 } } }, 'maxLength', '#/properties/code'],
    [{ type: 'object', properties: { id: { type: 'string', pattern: '^(?!x)[a-z]+$' } } }, 'pattern', '#/properties/id'],
    [{ $defs: { n: { type: 'integer', minimum: 1 } }, $ref: '#/$defs/n', maximum: 3 }, 'maximum', '#'],
  ])('%j names %s', (schema, keyword, schemaPath) => {
    const error = catchError(() => jsonSchemaToGrammar(schema));
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ code: 'ERR_SCHEMA_UNSUPPORTED', keyword, schemaPath });
    expect((error as Error).message).toContain(keyword);
  });

  it('reads what zod writes: records (propertyNames of any string) and recursion through "$ref": "#"', () => {
    const record = { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'integer' } };
    expect(jsonSchemaToGrammar(record)).toBe(jsonSchemaToGrammar({ type: 'object', additionalProperties: { type: 'integer' } }));
    expect(catchError(() => jsonSchemaToGrammar({ type: 'object', propertyNames: { pattern: '^a' } }))).toMatchObject({ code: 'ERR_SCHEMA_UNSUPPORTED', keyword: 'propertyNames' });
    const tree = { type: 'object', properties: { name: { type: 'string', maxLength: 4 }, kids: { type: 'array', items: { $ref: '#' }, maxItems: 2 } }, required: ['name', 'kids'], additionalProperties: false };
    // The same tree written with a definition, under the name the rewrite gives the root: the same grammar.
    const root = '#/$defs/gpt4all-root';
    const viaDefs = { $defs: { 'gpt4all-root': { ...tree, properties: { ...tree.properties, kids: { ...tree.properties.kids, items: { $ref: root } } } } }, $ref: root };
    expect(jsonSchemaToGrammar(tree)).toBe(jsonSchemaToGrammar(viaDefs));
    // A pointer into the root (zod-to-json-schema's root strategy) follows it.
    const twin = { ...tree, properties: { ...tree.properties, twin: { $ref: '#/properties/kids' } } };
    expect(jsonSchemaToGrammar(twin)).toContain('twin');
  });

  it('enforces format email through a pattern of its own, and refuses it beside a length bound', () => {
    const grammar = jsonSchemaToGrammar({ type: 'string', format: 'email' });
    expect(grammar).toContain('"@"');
    expect(catchError(() => jsonSchemaToGrammar({ type: 'string', format: 'email', maxLength: 40 }))).toMatchObject({ code: 'ERR_SCHEMA_UNSUPPORTED', keyword: 'maxLength' });
  });

  it('rejects schemas whose bounds contradict each other (no value could match)', () => {
    for (const schema of [
      { type: 'integer', minimum: 10, maximum: 1 },
      { type: 'array', minItems: 5, maxItems: 1 },
      { type: 'string', minLength: 5, maxLength: 2 },
      { type: 'string', pattern: '^a{5,2}$' },
      { type: 'string', enum: ['a', 1] },
      { type: 'integer', const: 'x' },
    ]) {
      expect(catchError(() => jsonSchemaToGrammar(schema)), JSON.stringify(schema)).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
    }
  });

  it('rejects what is not a schema', () => {
    expect(catchError(() => jsonSchemaToGrammar({ type: 'kaboom' }))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
    expect(catchError(() => jsonSchemaToGrammar({ $ref: '#/$defs/missing' }))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
    expect(catchError(() => jsonSchemaToGrammar([] as never))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
    expect(catchError(() => jsonSchemaToGrammar({ type: 'number', minimum: 5, maximum: 1 }))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
  });

  it('builds one grammar from schemas and rules', () => {
    const grammar = buildGrammar({
      schemas: { 'call-args': { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      rules: { root: '"<call>" call-args "</call>"' },
    });
    expect(grammar).toContain('root ::= "<call>" call-args "</call>"');
    expect(grammar).toMatch(/^call-args ::= /m);
    expect(catchError(() => buildGrammar({ schemas: { 'bad name!': {} }, rules: {} }))).toMatchObject({ code: 'ERR_SCHEMA_INVALID' });
  });
});

describe('constrained generation', () => {
  let model: Model;
  let context: Context;
  beforeAll(async () => {
    model = await loadModel(await testModelPath('llamaSpm'));
    context = await model.createContext({ contextSize: 512 });
  });
  afterAll(() => model.dispose());

  it('follows a GBNF grammar, then ends', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await context.generate('Answer:', { grammar: 'root ::= ("yes" | "no") [!?.]', temperature: 1, seed, maxTokens: 20 });
      expect(result.text).toMatch(/^(yes|no)[!?.]$/);
      expect(result.finishReason).toBe('eog');
    }
  });

  it('reports where a grammar is wrong, with a typed error', async () => {
    const error = await context.generate('x', { grammar: 'root ::= "a"\nitem ::= "b" @ "c"\n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammarError);
    expect(error).toMatchObject({ code: 'ERR_GRAMMAR_INVALID', line: 2, column: 14, offset: 26 });
    const undefinedRule = await context.generate('x', { grammar: 'root ::= item' }).catch((e: unknown) => e);
    expect(undefinedRule).toMatchObject({ code: 'ERR_GRAMMAR_INVALID', message: expect.stringContaining("'item'") });
    const stream = context.stream('x', { grammar: { gbnf: 'start ::= "a"' } });
    await expect(stream.result).rejects.toMatchObject({ code: 'ERR_GRAMMAR_INVALID', message: expect.stringContaining("'root'") });
    // The context is fine afterwards.
    expect((await context.generate('x', { maxTokens: 2 })).completionTokens).toBe(2);
  });

  it('refuses, without a crash or a hang, a bad trigger pattern and a repetition whose minimum is above its maximum', async () => {
    await expect(context.generate('x', { grammar: { gbnf: 'root ::= "x"', triggerPatterns: ['*'] } })).rejects.toMatchObject({ code: 'ERR_GRAMMAR_INVALID', message: expect.stringContaining('trigger pattern') });
    await expect(context.generate('x', { grammar: 'root ::= "a"{5,2}' })).rejects.toMatchObject({ code: 'ERR_GRAMMAR_INVALID', line: 1, column: 13 });
    expect((await context.generate('x', { maxTokens: 2 })).completionTokens).toBe(2);
  });

  it('starts from a chosen rule, and refuses a grammar that no token can follow', async () => {
    const result = await context.generate('x', { grammar: { gbnf: 'root ::= "a"\nanswer ::= "42"', root: 'answer' }, temperature: 0 });
    expect(result.text).toBe('42');
    // Banning every token that could start the grammar leaves nothing to sample.
    const starts = new Set<number>();
    for (let token = 0; token < model.info.vocabSize; token++) if (model.detokenize([token]).startsWith('4')) starts.add(token);
    const bias = Object.fromEntries([...starts].map((t) => [t, -Infinity]));
    await expect(context.generate('x', { grammar: 'root ::= "42"', logitBias: bias })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('applies logit biases: -Infinity bans a token, a large bias forces one', async () => {
    const free = await context.generate('The', { temperature: 0, maxTokens: 4 });
    const first = free.tokens[0]!;
    const banned = await context.generate('The', { temperature: 0, maxTokens: 4, logitBias: { [first]: -Infinity } });
    expect(banned.tokens[0]).not.toBe(first);
    const forced = await context.generate('The', { temperature: 1, seed: 9, maxTokens: 3, logitBias: new Map([[1000, 100]]) });
    expect(forced.tokens).toEqual([1000, 1000, 1000]);
    await expect(context.generate('The', { logitBias: { [model.info.vocabSize]: 1 } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(context.generate('The', { logitBias: { 5: Number.NaN } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('refuses grammar and jsonSchema together, and a bad schema before generating', async () => {
    await expect(context.generate('x', { grammar: 'root ::= "a"', jsonSchema: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(context.generate('x', { jsonSchema: { type: 'string', format: 'uri' } })).rejects.toBeInstanceOf(SchemaError);
  });

  it('leaves output free until a lazy grammar is triggered', async () => {
    // A trigger that never fires: the output is what it would be without a grammar.
    const free = await context.generate('Once', { temperature: 1, seed: 2, maxTokens: 12 });
    await context.clear();
    const lazy = await context.generate('Once', { grammar: { gbnf: 'root ::= "ok"', triggerPatterns: ['NEVER_WRITTEN'] }, temperature: 1, seed: 2, maxTokens: 12 });
    expect(lazy.text).toBe(free.text);
  });

  it('ends with a typed error, not a crash, when triggered text does not fit the grammar', async () => {
    // Any first token triggers; the grammar wants "ok", which that text is not.
    const error = await context
      .generate('Once', { grammar: { gbnf: 'root ::= "zzz-never"', triggerPatterns: ['^[\\s\\S]+$'] }, temperature: 1, seed: 2, maxTokens: 12 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('does not fit the grammar') });
    expect((await context.generate('x', { maxTokens: 2 })).completionTokens).toBe(2);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
