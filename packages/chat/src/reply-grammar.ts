import { buildGrammar, jsonSchemaToGrammar, type Grammar, type JsonSchema } from '@gpt4all/core';
import type { ToolDefinition } from '@gpt4all/templates';
import { invalidArgument } from './errors/chat-error.js';
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
 * - a `responseFormat` schema: JSON valid against it, from the first token.
 *
 * Where the prompt opens a thinking block, a grammar from the first token would keep the model
 * inside it; it starts instead with the closing tag, so the reply's reasoning is empty.
 */
export function replyGrammar(shape: ReplyShape): Grammar | undefined {
  const { format, tools, toolChoice, schema } = shape;
  if (schema !== undefined && toolChoice !== 'auto' && toolChoice !== 'none') {
    throw invalidArgument('responseFormat and a forced toolChoice exclude each other: the reply is either JSON or a tool call');
  }
  const closeReasoning = shape.promptOpensReasoning && format.reasoning ? `${gbnfLiteral(`${format.reasoning.close}\n\n`)} ` : '';
  if (schema !== undefined) {
    const json = jsonSchemaToGrammar(schema);
    return { gbnf: closeReasoning ? `${json}gpt4all-reply ::= ${closeReasoning}root\n` : json, root: closeReasoning ? 'gpt4all-reply' : 'root' };
  }
  if (toolChoice === 'none' || tools.length === 0) return undefined;
  const plan = toolCallGrammarPlan(format, tools, toolChoice, { promptOpensReasoning: shape.promptOpensReasoning });
  if (toolChoice === 'auto' && plan.triggerPatterns.length === 0) return undefined;
  const schemas = Object.fromEntries(plan.schemas.map(({ name, schema: s }) => [name, s as JsonSchema]));
  const rules = Object.fromEntries(plan.rules.map(({ name, body }) => [name, body]));
  const forced = toolChoice !== 'auto';
  if (forced && closeReasoning) rules['gpt4all-reply'] = `${closeReasoning}root`;
  return {
    gbnf: buildGrammar({ schemas, rules }),
    root: forced && closeReasoning ? 'gpt4all-reply' : 'root',
    ...(forced ? {} : { triggerPatterns: plan.triggerPatterns }),
  };
}
