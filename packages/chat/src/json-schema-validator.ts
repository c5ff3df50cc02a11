import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** Drafts 4, 6 and 7 (`http` or `https`), read by ajv's draft-7 class: what zod 3, pydantic v1 and many tools write. */
const DRAFT_7 = /^https?:\/\/json-schema\.org\/draft-0[467]\/schema#?$/;
const DRAFT_2019 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;

/**
 * Compiles JSON Schemas into validators with ajv, each in the draft its `$schema` names: drafts
 * 4 to 7 by ajv's draft-7 class, 2019-09 by its 2019 class, anything else (2020-12, or no
 * `$schema`) by its 2020-12 class. The drafts differ (`items` as a list, `definitions`), so one
 * class cannot read them all. Formats are checked (ajv-formats); unknown keywords are ignored.
 *
 * One compiler per set of schemas (a session's tools): ajv keeps every schema it compiled, and
 * refuses a second schema with an `$id` it has seen, so a long-lived one would grow and fail.
 */
export class JsonSchemaCompiler {
  #instances = new Map<string, Ajv | Ajv2019 | Ajv2020>();

  /** @throws what ajv throws for a schema it cannot compile. */
  compile(schema: Record<string, unknown>): ValidateFunction {
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    const draft = DRAFT_7.test(declared) ? 'draft-7' : DRAFT_2019.test(declared) ? '2019-09' : '2020-12';
    // The class knows its own meta-schema by one exact URI: the draft is chosen, the URI is not needed.
    const { $schema: _declared, ...body } = schema;
    return this.#ajv(draft).compile(body);
  }

  #ajv(draft: 'draft-7' | '2019-09' | '2020-12'): Ajv | Ajv2019 | Ajv2020 {
    let ajv = this.#instances.get(draft);
    if (!ajv) {
      const options = { strict: false, allErrors: true };
      ajv = draft === 'draft-7' ? new Ajv(options) : draft === '2019-09' ? new Ajv2019(options) : new Ajv2020(options);
      (addFormats as unknown as (ajv: Ajv | Ajv2019 | Ajv2020) => void)(ajv);
      this.#instances.set(draft, ajv);
    }
    return ajv;
  }
}
