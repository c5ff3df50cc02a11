// The JSON schema of the constrained-decoding row (issue #14): six properties of the common kinds.
import type { JsonSchema } from '@gpt4all/core';

export const benchSchema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 24 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    email: { type: 'string', pattern: '^[a-z]{1,12}@[a-z]{1,10}\\.(com|org|net)$' },
    city: { enum: ['Paris', 'London', 'Tokyo', 'New York'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 8 }, maxItems: 3 },
    verified: { type: 'boolean' },
  },
  required: ['name', 'age', 'email', 'city', 'tags', 'verified'],
  additionalProperties: false,
};
