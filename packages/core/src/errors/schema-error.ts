import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** Codes of {@link SchemaError}. */
export type SchemaErrorCode = 'ERR_SCHEMA_INVALID' | 'ERR_SCHEMA_UNSUPPORTED';

/**
 * A JSON schema cannot constrain generation: it is not a schema (`ERR_SCHEMA_INVALID`: not JSON,
 * an unresolvable `$ref`, an unknown type, an invalid regular expression), or it uses a keyword
 * that the grammar cannot enforce (`ERR_SCHEMA_UNSUPPORTED`: `keyword` at `schemaPath`), which
 * would otherwise let output through that the schema forbids.
 */
export class SchemaError extends Gpt4AllError<SchemaErrorCode> {
  /** ERR_SCHEMA_UNSUPPORTED: the keyword, such as `multipleOf` or `format`. */
  readonly keyword: string | undefined;
  /** ERR_SCHEMA_UNSUPPORTED: where it is, as a JSON pointer fragment (`#/properties/age`). */
  readonly schemaPath: string | undefined;

  constructor(code: SchemaErrorCode, message: string, details: { keyword?: string; schemaPath?: string } = {}) {
    super(code, message);
    this.name = 'SchemaError';
    this.keyword = details.keyword;
    this.schemaPath = details.schemaPath;
  }
}
brandError(SchemaError, '@gpt4all/core:SchemaError');
