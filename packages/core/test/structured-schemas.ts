// JSON schemas for structured-output tests and the bench: varied, and bounded where a random
// model would otherwise write forever (a free string ends only when it happens to pick a quote).
import type { JsonSchema } from '../src/grammar.js';

const word = (maxLength: number) => ({ type: 'string', maxLength });
const range = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum });

export const structuredSchemas: Record<string, JsonSchema> = {
  'flat object': {
    type: 'object',
    properties: { name: word(12), age: range(0, 120), active: { type: 'boolean' } },
    required: ['name', 'age', 'active'],
    additionalProperties: false,
  },
  'nested objects': {
    type: 'object',
    properties: {
      user: { type: 'object', properties: { id: range(1, 1000), handle: { type: 'string', pattern: '^[a-z]{3,8}$' } }, required: ['id', 'handle'], additionalProperties: false },
      address: { type: 'object', properties: { city: { enum: ['Paris', 'Lyon', 'Nice'] }, zip: { type: 'string', pattern: '^[0-9]{5}$' } }, required: ['city', 'zip'], additionalProperties: false },
    },
    required: ['user', 'address'],
    additionalProperties: false,
  },
  'array with bounds': { type: 'array', items: word(6), minItems: 1, maxItems: 4 },
  'enum of mixed values': { enum: ['red', 'green', 'blue', 42, null, true] },
  'const values': {
    type: 'object',
    properties: { version: { const: '1.0' }, kind: { const: 3 }, flags: { const: [1, { a: null }] } },
    required: ['version', 'kind', 'flags'],
    additionalProperties: false,
  },
  anyOf: { anyOf: [range(0, 9), word(5), { type: 'null' }, { type: 'array', items: { type: 'boolean' }, maxItems: 2 }] },
  '$ref and $defs': {
    $defs: { point: { type: 'object', properties: { x: range(-50, 50), y: range(-50, 50) }, required: ['x', 'y'], additionalProperties: false } },
    type: 'object',
    properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' } },
    required: ['from', 'to'],
    additionalProperties: false,
  },
  'string formats': {
    type: 'object',
    properties: {
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'time' },
      when: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
    },
    required: ['day', 'at', 'when', 'id'],
    additionalProperties: false,
  },
  'string pattern': { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3,4}(-[a-f]{1,6})?$' },
  'integer ranges': {
    type: 'object',
    properties: {
      percent: range(0, 100),
      delta: { type: 'integer', exclusiveMinimum: -10, exclusiveMaximum: 10 },
      year: range(1900, 2100),
      big: { type: 'integer', minimum: 5000 },
    },
    required: ['percent', 'delta', 'year', 'big'],
    additionalProperties: false,
  },
  'number ranges': {
    type: 'object',
    properties: {
      probability: { type: 'number', minimum: 0, maximum: 1 },
      temperature: { type: 'number', minimum: -40, exclusiveMaximum: 60 },
      price: { type: 'number', exclusiveMinimum: 0 },
    },
    required: ['probability', 'temperature', 'price'],
    additionalProperties: false,
  },
  // Formats as zod writes them (a format beside its pattern, with \d) and ipv4 from its format alone.
  'zod-style formats': {
    type: 'object',
    properties: {
      ip: { type: 'string', format: 'ipv4' },
      // zod 4's `z.iso.datetime()`, as its toJSONSchema writes it.
      at: {
        type: 'string',
        format: 'date-time',
        pattern:
          '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$',
      },
      code: { type: 'string', pattern: '^[\\dA-F]{4}\\s?\\w{2}$' },
    },
    required: ['ip', 'at', 'code'],
    additionalProperties: false,
  },
  tuple: { type: 'array', prefixItems: [word(3), range(0, 99), { type: 'boolean' }] },
  'array of objects': {
    type: 'array',
    items: {
      type: 'object',
      properties: { sku: { type: 'string', pattern: '^[A-Z]{3}[0-9]{2}$' }, qty: range(1, 99) },
      required: ['sku', 'qty'],
      additionalProperties: false,
    },
    minItems: 2,
    maxItems: 3,
  },
  'optional properties': {
    type: 'object',
    properties: { a: { type: 'boolean' }, b: range(0, 5), c: { enum: ['x', 'y'] }, d: word(4) },
    required: ['a'],
    additionalProperties: false,
  },
  'nullable types': {
    type: 'object',
    properties: { note: { type: ['string', 'null'], maxLength: 8 }, score: { type: ['integer', 'null'], minimum: 0, maximum: 10 } },
    required: ['note', 'score'],
    additionalProperties: false,
  },
  allOf: {
    allOf: [
      { type: 'object', properties: { a: range(0, 3) }, required: ['a'] },
      { type: 'object', properties: { b: { type: 'boolean' } }, required: ['b'] },
    ],
  },
  'recursive list': {
    $defs: {
      node: {
        type: 'object',
        properties: { value: range(0, 9), next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } },
        required: ['value', 'next'],
        additionalProperties: false,
      },
    },
    $ref: '#/$defs/node',
  },
};

/** Six properties, for the bench's constrained-decoding row (issue #14). */
export const benchSchema: JsonSchema = {
  type: 'object',
  properties: {
    name: word(24),
    age: range(0, 120),
    email: { type: 'string', pattern: '^[a-z]{1,12}@[a-z]{1,10}\\.(com|org|net)$' },
    city: { enum: ['Paris', 'London', 'Tokyo', 'New York'] },
    tags: { type: 'array', items: word(8), maxItems: 3 },
    verified: { type: 'boolean' },
  },
  required: ['name', 'age', 'email', 'city', 'tags', 'verified'],
  additionalProperties: false,
};
