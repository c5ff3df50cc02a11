/**
 * Tool calls and reasoning in chat templates' output formats: detecting a template's family,
 * parsing a reply (never throws), splitting a stream, and grammars that force a call.
 */
export { detectToolCallFormat, templateSupportsTools } from './detect-tool-call-format.js';
export { toolCallFormat } from './families/index.js';
export { createOutputSplitter } from './output-splitter.js';
export type { OutputPart, OutputSplitter, OutputSplitterOptions } from './output-splitter.js';
export { generateToolCallId, parseAssistantOutput } from './parse-assistant-output.js';
export type {
  ParseAssistantOutputOptions,
  ParsedAssistantOutput,
  ParsedToolCall,
  ToolCallProblem,
} from './parse-assistant-output.js';
export { promptOpensReasoning, THINK_TAGS } from './tool-call-format.js';
export type { ReasoningTags, ToolCallFormat, ToolCallFormatId } from './tool-call-format.js';
export { gbnfLiteral, toolCallGrammarPlan } from './tool-call-grammar.js';
export type { GrammarPlan, ToolCallGrammarOptions, ToolChoice } from './tool-call-grammar.js';
