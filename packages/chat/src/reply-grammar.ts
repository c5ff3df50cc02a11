import { buildGrammar, jsonSchemaToGrammar, type Grammar, type JsonSchema } from '@gpt4all/core';
import type { ToolDefinition } from '@gpt4all/templates';
import { gbnfLiteral, toolCallGrammarPlan, type ToolCallFormat } from './tool-calls/index.js';

/** What a reply must look like. */
export interface ReplyShape {
  format: ToolCallFormat;
  tools: readonly ToolDefinition[];
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  /** JSON schema of the reply's text (`responseFormat`). */
  schema: JsonSchema | undefined;
  /** The prompt ends inside a thinking block (the output starts in the reasoning). */
  promptOpensReasoning: boolean;
}

/**
 * The grammar that keeps a reply in shape, or `undefined` when it is free:
 *
 * - a forced call (`'required'` or a named tool): the family's call syntax around the tool's
 *   `parameters`, from the first token;
 * - `'auto'` with tools: the same grammar, lazily, from the family's trigger (a call the model
 *   starts is finished well-formed; text before it is free);
 * - a `responseFormat` schema: JSON valid against it, from the first token;
 * - both, with `'auto'`: a tool call or that JSON, from the first token (a step of a tool loop
 *   whose final answer has a schema), except for families whose calls are bare JSON (Llama 3's),
 *   where the JSON alone; a forced call has no text for the schema to shape, so the call's
 *   grammar alone applies.
 *
 * Where the prompt opens a thinking block, a grammar from the first token would keep the model
 * inside it; it starts instead with the closing tag, so the reply's reasoning is empty.
 */
export function replyGrammar(shape: ReplyShape): Grammar | undefined {
  const { format, tools, toolChoice } = shape;
  const forced = toolChoice !== 'auto' && toolChoice !== 'none' && tools.length > 0;
  const schema = forced ? undefined : shape.schema;
  const closeReasoning = shape.promptOpensReasoning && format.reasoning ? `${gbnfLiteral(`${format.reasoning.close}\n\n`)} ` : '';
  // A family whose call is a bare JSON object at the start of the reply (Llama 3's) cannot tell
  // a JSON answer from a call: there, the schema alone applies.
  if (schema !== undefined && toolChoice === 'auto' && tools.length > 0 && !format.startsWithCall) {
    const plan = toolCallGrammarPlan(format, tools, 'required', { promptOpensReasoning: shape.promptOpensReasoning });
    const schemas = Object.fromEntries([...plan.schemas.map(({ name, schema: s }) => [name, s as JsonSchema]), ['gpt4all-json', schema]]);
    const rules = Object.fromEntries(plan.rules.map(({ name, body }) => [name === 'root' ? 'gpt4all-call' : name, body]));
    rules['gpt4all-reply'] = `${closeReasoning}( gpt4all-call | gpt4all-json )`;
    return { gbnf: buildGrammar({ schemas, rules }), root: 'gpt4all-reply' };
  }
  if (schema !== undefined) {
    const json = jsonSchemaToGrammar(schema);
    return { gbnf: closeReasoning ? `${json}gpt4all-reply ::= ${closeReasoning}root\n` : json, root: closeReasoning ? 'gpt4all-reply' : 'root' };
  }
  if (toolChoice === 'none' || tools.length === 0) return undefined;
  const plan = toolCallGrammarPlan(format, tools, toolChoice, { promptOpensReasoning: shape.promptOpensReasoning });
  if (toolChoice === 'auto' && plan.triggerPatterns.length === 0) return undefined;
  const schemas = Object.fromEntries(plan.schemas.map(({ name, schema: s }) => [name, s as JsonSchema]));
  const rules = Object.fromEntries(plan.rules.map(({ name, body }) => [name, body]));
  if (forced && closeReasoning) rules['gpt4all-reply'] = `${closeReasoning}root`;
  return {
    gbnf: buildGrammar({ schemas, rules }),
    root: forced && closeReasoning ? 'gpt4all-reply' : 'root',
    ...(forced ? {} : { triggerPatterns: plan.triggerPatterns }),
  };
}
