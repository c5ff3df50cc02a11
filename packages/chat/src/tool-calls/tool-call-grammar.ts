import type { ToolDefinition } from '@gpt4all/templates';
import type { GrammarSink, GrammarTool } from './family.js';
import { FAMILY_HANDLERS } from './families/index.js';
import { regexEscape } from './families/helpers.js';
import type { ReasoningTags, ToolCallFormat } from './tool-call-format.js';

export { gbnfLiteral } from './tool-call-grammar-helpers.js';

/** Which calls the grammar allows: any tool when the model chooses to call (`auto`), at least one (`required`), or one named tool. */
export type ToolChoice = 'auto' | 'required' | { name: string };

/** A grammar for tool calls, for the engine to assemble into GBNF. */
export interface GrammarPlan {
  /** JSON schemas converted to GBNF by the engine; each becomes rule `name` (`tool-0-args`, lowercase `[a-z0-9-]`). */
  schemas: { name: string; schema: unknown }[];
  /** Extra GBNF rules; bodies may reference the schema rules and each other; defines `root`. */
  rules: { name: string; body: string }[];
  /**
   * For `auto`: regex patterns (llama.cpp `llama_sampler_init_grammar_lazy_patterns`) that switch the grammar
   * on, from the start of the match or of its group 1. Empty for `required` and named choices, where the
   * grammar applies from the first token.
   */
  triggerPatterns: string[];
}

/** Options of {@link toolCallGrammarPlan}. */
export interface ToolCallGrammarOptions {
  /** The prompt ends inside the thinking block: `auto` triggers only count after its closing tag. */
  promptOpensReasoning?: boolean;
}

/**
 * Grammar that makes the model write exactly one tool call in its family's format, which
 * `parseAssistantOutput` reads back (`root` is the alternatives over the chosen tools' `tool-N-call` rules).
 *
 * Choices made: one call per reply (no parallel calls); no reasoning block inside the grammar — with
 * `auto`, thinking happens before the trigger, unconstrained, and the trigger patterns of thinking
 * families only fire after the thinking block; for `required`/named on a thinking model, render the
 * prompt with thinking disabled (the grammar applies from the first token). XML-style families write
 * string arguments raw as `[^<]*`.
 *
 * @throws RangeError when a named tool is not among `tools`, or there are no tools.
 */
export function toolCallGrammarPlan(
  format: ToolCallFormat,
  tools: readonly ToolDefinition[],
  choice: ToolChoice,
  options: ToolCallGrammarOptions = {},
): GrammarPlan {
  const handler = FAMILY_HANDLERS[format.id];
  const all: GrammarTool[] = tools.map((t, index) => ({
    name: t.function.name,
    argsRule: `tool-${index}-args`,
    parameters: t.function.parameters ?? { type: 'object', properties: {} },
    index,
  }));
  const chosen = typeof choice === 'object' ? all.filter((t) => t.name === choice.name) : all;
  if (chosen.length === 0) {
    throw new RangeError(typeof choice === 'object' ? `No tool named "${choice.name}"` : 'No tools to call');
  }
  const schemas: GrammarPlan['schemas'] = [];
  const rules: GrammarPlan['rules'] = [];
  const sink: GrammarSink = {
    schema(name, schema) {
      if (!schemas.some((s) => s.name === name)) schemas.push({ name, schema });
    },
    rule(name, body) {
      if (!rules.some((r) => r.name === name)) rules.push({ name, body });
    },
  };
  for (const t of chosen) {
    sink.schema(t.argsRule, t.parameters);
    rules.push({ name: `tool-${t.index}-call`, body: handler.grammar.call(t, format, sink) });
  }
  rules.push({ name: 'root', body: chosen.map((t) => `tool-${t.index}-call`).join(' | ') });
  const patterns =
    choice !== 'auto'
      ? []
      : (handler.grammar.triggerPatterns?.(chosen, format) ??
        (format.triggers.length > 0 ? [regexEscape(format.triggers[0]!)] : []));
  const triggerPatterns = format.reasoning
    ? patterns.map((p) => outsideReasoning(p, format.reasoning!, options.promptOpensReasoning ?? false))
    : patterns;
  return { schemas, rules, triggerPatterns };
}

/**
 * Makes a trigger pattern fire only after the thinking block, since a model may write a call's marker
 * while thinking about it (which `parseAssistantOutput` reads as reasoning). The trigger stays in group 1.
 */
function outsideReasoning(pattern: string, tags: ReasoningTags, promptOpens: boolean): string {
  const open = regexEscape(tags.open);
  const close = regexEscape(tags.close);
  const lead = promptOpens ? `^[\\s\\S]*?${close}` : `^(?:\\s*${open}[\\s\\S]*?${close}|(?!\\s*${open}))`;
  if (pattern.startsWith('^') && pattern.endsWith('$')) {
    return `${lead}${pattern.slice(1, -1)}$`;
  }
  return `${lead}[\\s\\S]*?(${pattern})[\\s\\S]*$`;
}
