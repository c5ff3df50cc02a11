import { describe, expect, it } from 'vitest';
import { JsonSchemaCompiler } from './json-schema-validator.js';

const person = { type: 'object', properties: { age: { type: 'integer', minimum: 0 }, mail: { type: 'string', format: 'email' } }, required: ['age'] };

describe('JsonSchemaCompiler', () => {
  it('reads each draft by its $schema (http or https), with formats checked', () => {
    for (const $schema of [
      'http://json-schema.org/draft-07/schema#',
      'https://json-schema.org/draft-07/schema',
      'http://json-schema.org/draft-06/schema#',
      'https://json-schema.org/draft/2019-09/schema',
      'https://json-schema.org/draft/2020-12/schema',
      undefined,
    ]) {
      const validate = new JsonSchemaCompiler().compile({ ...person, ...($schema ? { $schema } : {}) });
      expect(validate({ age: 3, mail: 'a@b.co' }), String($schema)).toBe(true);
      expect(validate({ age: -1 }), String($schema)).toBe(false);
      expect(validate({ age: 3, mail: 'not a mail' }), String($schema)).toBe(false);
    }
  });

  it('reads draft 7 tuples (items as a list) and 2020-12 ones (prefixItems)', () => {
    const compiler = new JsonSchemaCompiler();
    const draft7 = compiler.compile({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'string' }, { type: 'integer' }] });
    expect(draft7(['a', 1])).toBe(true);
    expect(draft7([1, 'a'])).toBe(false);
    const draft2020 = compiler.compile({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] });
    expect(draft2020([1, 'a'])).toBe(false);
  });

  it('compiles schemas with the same $id in separate compilers (one per set of tools)', () => {
    const withId = { $id: 'https://example.com/tool.json', type: 'object' };
    expect(new JsonSchemaCompiler().compile({ ...withId })({})).toBe(true);
    expect(new JsonSchemaCompiler().compile({ ...withId })({})).toBe(true);
  });
});
