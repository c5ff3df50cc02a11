import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** Draft 7 (and 6) schemas by their `$schema`: what zod 3, pydantic v1 and many tools still write. */
const DRAFT_7 = /^https?:\/\/json-schema\.org\/draft-0[67]\/schema#?$/;

let draft7: Ajv | undefined;
let draft2020: Ajv2020 | undefined;

/**
 * Compiles a JSON Schema into a validator with ajv, in the draft its `$schema` names: draft 7 or
 * 6 by ajv's draft-7 class, anything else (2020-12, or no `$schema`) by its 2020-12 class. The
 * drafts differ (`items` as a list, `definitions`), so one class cannot read both. Formats are
 * checked (ajv-formats); unknown keywords are ignored.
 * @throws what ajv throws for a schema it cannot compile.
 */
export function compileJsonSchema(schema: Record<string, unknown>): ValidateFunction {
  const ajv = typeof schema.$schema === 'string' && DRAFT_7.test(schema.$schema) ? (draft7 ??= withFormats(new Ajv({ strict: false, allErrors: true }))) : (draft2020 ??= withFormats(new Ajv2020({ strict: false, allErrors: true })));
  return ajv.compile(schema);
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  (addFormats as unknown as (ajv: T) => void)(ajv);
  return ajv;
}
