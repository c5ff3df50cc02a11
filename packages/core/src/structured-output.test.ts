// Issue #14's bar for JSON-schema-constrained output: on a random-weight model (whose output is
// noise, so only the grammar can make it valid), at temperature 1, every output over 20 seeds
// parses and validates against its schema with an independent validator (ajv).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { structuredSchemas } from '../test/structured-schemas.js';
import { loadModel, type Context, type Model } from './index.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

let model: Model;
let context: Context;
beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
  context = await model.createContext({ contextSize: 2048 });
});
afterAll(() => model.dispose());

describe('JSON-schema-constrained generation on a random-weight model', () => {
  it('covers at least 15 varied schemas', () => {
    expect(Object.keys(structuredSchemas).length).toBeGreaterThanOrEqual(15);
  });

  it.each(Object.entries(structuredSchemas))('%s: 20 seeds at temperature 1 all validate', async (_name, schema) => {
    const validate = ajv.compile(schema as object);
    for (const seed of seeds) {
      const result = await context.generate('Reply with JSON:', { jsonSchema: schema, temperature: 1, seed, maxTokens: 1500 });
      expect(result.finishReason, `seed ${seed}: ${result.finishReason} ${result.completionTokens} ${JSON.stringify(result.text)}`).toBe('eog');
      const value: unknown = JSON.parse(result.text);
      expect(validate(value), `seed ${seed}: ${result.text}\n${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    // Validity is what is tested, not speed: a recursive schema's outputs run to hundreds of
    // tokens per seed, which on a loaded 2-core machine takes minutes.
  }, 600_000);
});
