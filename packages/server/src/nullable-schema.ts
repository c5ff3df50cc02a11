/** A JSON schema that also admits `null`: OpenAI's clients send `null` for fields left unset. */
export function nullable(schema: Record<string, unknown>): { anyOf: [Record<string, unknown>, { type: 'null' }] } {
  return { anyOf: [schema, { type: 'null' }] };
}
