import type { JsonSchema } from '@gpt4all/chat';
import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * The value of `--json-schema`: inline JSON when it starts with `{`, else the path of a JSON file.
 * The schema itself is checked by the engine when it turns it into a grammar (`SchemaError`).
 * @throws {UsageError} for a file that cannot be read, text that is not JSON, or JSON that is not an object.
 */
export async function readJsonSchemaOption(value: string): Promise<JsonSchema> {
  const inline = value.trimStart().startsWith('{');
  let text = value;
  if (!inline) {
    try {
      text = await readFile(value, 'utf8');
    } catch (error) {
      throw new UsageError(`--json-schema: cannot read ${value}: ${(error as Error).message}`, { cause: error });
    }
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--json-schema: ${inline ? 'the value' : value} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new UsageError('--json-schema: a JSON Schema must be an object');
  }
  return schema as JsonSchema;
}
