import type { ToolDefinition } from '@gpt4all/templates';
import type { ToolCallFormat } from './tool-call-format.js';

/** A call as a family's parser reads it, before names and arguments are checked. */
export interface RawCall {
  name: unknown;
  /** An object, or a JSON string of one (decoded by the caller), or absent (no arguments). */
  arguments: unknown;
  /** The model's own id, when the family writes one. */
  id?: string;
}

/**
 * What a family's parser made of the text at a trigger:
 * - `calls`: one or more calls ending at `end`;
 * - `text`: not a call after all; `text` replaces `answer.slice(start, end)` (Functionary v3.2 `>>>all\n…`);
 * - `problem`: a call that could not be read; `answer.slice(start, end)` stays in the text.
 *   `incomplete` means the text ended inside the call (reported as `truncated` when the output was cut off).
 */
export type BlockResult =
  | { kind: 'calls'; calls: RawCall[]; end: number }
  | { kind: 'text'; text: string; end: number }
  | { kind: 'problem'; reason: string; end: number; incomplete?: boolean };

/** Facts the block parsers need. */
export interface BlockContext {
  /** The tools offered, for per-parameter decoding of XML-style arguments. */
  tools?: readonly ToolDefinition[];
  /** The output was cut off by the token limit: an unclosed call is incomplete, not accepted. */
  truncated: boolean;
}

/** How the answer begins, for families whose first call has no marker. */
export type StartKind = { kind: 'call' } | { kind: 'text'; skip: number } | undefined;

/** Inputs of a family's grammar: one entry per tool, with the schema rule name of its arguments. */
export interface GrammarTool {
  name: string;
  /** Rule name of the arguments' JSON schema (`tool-0-args`). */
  argsRule: string;
  /** The arguments' JSON schema. */
  parameters: Record<string, unknown>;
  index: number;
}

/** Collects the extra schemas and rules a call body references (names must be unique). */
export interface GrammarSink {
  schema(name: string, schema: unknown): void;
  rule(name: string, body: string): void;
}

/** A family's grammar: a GBNF body for one complete call block per tool. */
export interface FamilyGrammar {
  /** Body (GBNF) of one whole call block invoking `tool`, exactly as the family's parser reads it. */
  call(tool: GrammarTool, format: ToolCallFormat, sink: GrammarSink): string;
  /**
   * Regex trigger patterns for `auto` (llama.cpp's lazy grammar). Defaults to the escaped literal triggers.
   */
  triggerPatterns?(tools: GrammarTool[], format: ToolCallFormat): string[];
}

/** Everything one family contributes. */
export interface FamilyHandler {
  /** Parses a call block starting at `start` (where a trigger was found, or 0 for a start call). */
  parseBlock(answer: string, start: number, ctx: BlockContext): BlockResult;
  /** For families with `startsWithCall`: whether the answer (leading whitespace removed) opens with a call. */
  classifyStart?(answer: string, final: boolean): StartKind;
  grammar: FamilyGrammar;
}

export type { ToolDefinition };
