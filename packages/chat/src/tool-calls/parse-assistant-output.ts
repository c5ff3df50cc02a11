import type { ToolDefinition } from '@gpt4all/templates';
import type { BlockContext, RawCall } from './family.js';
import { FAMILY_HANDLERS } from './families/index.js';
import { isJsonObject, tryParseJson } from './json-scan.js';
import type { ToolCallFormat } from './tool-call-format.js';

/** A tool call read from the model's output. */
export interface ParsedToolCall {
  /** The model's id when its family writes one (Mistral, Command R7B, Kimi K2), else `call_` + 24 random alphanumerics. */
  id: string;
  name: string;
  /** A JSON object (arguments written as a JSON string are decoded); not validated against the tool's schema. */
  arguments: Record<string, unknown> | unknown;
}

/** A tool call that could not be read; its raw text stays in the answer text. */
export interface ToolCallProblem {
  /** Why, starting with a keyword: `truncated`, `incomplete …`, `malformed …`, `unknown tool …`, `arguments …`, `not a tool call …`. */
  reason: string;
  /** The call's raw text as the model wrote it. */
  raw: string;
}

/** A model reply split into reasoning, answer text and tool calls. */
export interface ParsedAssistantOutput {
  /** The answer without reasoning and without the calls, trimmed. */
  text: string;
  /** The thinking text without its tags, trimmed; `undefined` when the reply had no reasoning block. */
  reasoning: string | undefined;
  toolCalls: ParsedToolCall[];
  problems: ToolCallProblem[];
}

/** Options of {@link parseAssistantOutput}. */
export interface ParseAssistantOutputOptions {
  /** Tools offered; a call to any other name is a problem. */
  tools?: readonly ToolDefinition[];
  /** Generation stopped at the token limit: unfinished calls are problems (`truncated`), not calls. */
  truncated?: boolean;
  /** The prompt ended with the reasoning opening tag, so the output starts inside the reasoning. */
  promptOpensReasoning?: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An OpenAI-style call id: `call_` + 24 random alphanumerics. */
export function generateToolCallId(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let id = 'call_';
  for (const b of bytes) id += ALNUM[b % ALNUM.length];
  return id;
}

/** Reasoning and answer regions of an output, as both the parser and the splitter see them. */
export interface ReasoningSplit {
  /** Raw reasoning (tags removed, not trimmed), or undefined. */
  reasoning: string | undefined;
  /** True when the reasoning block was closed. */
  closed: boolean;
  /** Start of the answer region in the output. */
  answerStart: number;
}

/**
 * Splits off a leading reasoning block: one that starts the output (after whitespace) with the open tag,
 * or, with `promptOpensReasoning`, the output's start. Without a close tag, everything is reasoning.
 */
export function splitReasoning(text: string, format: ToolCallFormat, promptOpensReasoning: boolean): ReasoningSplit {
  const tags = format.reasoning;
  if (!tags) return { reasoning: undefined, closed: true, answerStart: 0 };
  let start: number;
  const lead = text.length - text.trimStart().length;
  if (text.startsWith(tags.open, lead)) start = lead + tags.open.length;
  else if (promptOpensReasoning) start = 0;
  else return { reasoning: undefined, closed: true, answerStart: 0 };
  const end = text.indexOf(tags.close, start);
  if (end < 0) return { reasoning: text.slice(start), closed: false, answerStart: text.length };
  return { reasoning: text.slice(start, end), closed: true, answerStart: end + tags.close.length };
}

/** Removes the family's answer markup (e.g. `<response>`). */
export function dropMarkup(answer: string, format: ToolCallFormat): string {
  let out = answer;
  for (const token of format.dropTokens) if (out.includes(token)) out = out.split(token).join('');
  return out;
}

/** Earliest index ≥ `from` where any trigger starts, or -1. */
export function findTrigger(answer: string, triggers: readonly string[], from: number): number {
  let best = -1;
  for (const t of triggers) {
    const i = answer.indexOf(t, from);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

function checkCall(raw: RawCall, tools: readonly ToolDefinition[] | undefined): ParsedToolCall | string {
  if (typeof raw.name !== 'string' || raw.name === '') return 'not a tool call (no name)';
  if (tools && !tools.some((t) => t.function.name === raw.name)) return `unknown tool "${raw.name}"`;
  let args = raw.arguments;
  if (args === undefined || args === null) args = {};
  if (typeof args === 'string') {
    // Some models write the arguments as a JSON string of the object.
    const decoded = args.trim() === '' ? { value: {} } : tryParseJson(args);
    if (!decoded) return 'arguments are a string that is not JSON';
    args = decoded.value;
  }
  if (!isJsonObject(args)) return 'arguments are not a JSON object';
  return { id: raw.id ?? generateToolCallId(), name: raw.name, arguments: args };
}

/**
 * Parses the answer region (reasoning removed, leading whitespace removed, markup dropped):
 * the text outside calls (untrimmed), the calls and the problems.
 */
export function parseAnswer(
  answer: string,
  format: ToolCallFormat,
  ctx: BlockContext,
): { text: string; toolCalls: ParsedToolCall[]; problems: ToolCallProblem[] } {
  const handler = FAMILY_HANDLERS[format.id];
  const toolCalls: ParsedToolCall[] = [];
  const problems: ToolCallProblem[] = [];
  let text = '';
  let pos = 0;
  let blockAt = -1;
  if (format.startsWithCall && handler.classifyStart) {
    const kind = handler.classifyStart(answer, true);
    if (kind?.kind === 'call') blockAt = 0;
    else if (kind?.kind === 'text') pos = kind.skip;
  }
  if (blockAt < 0) blockAt = findTrigger(answer, format.triggers, pos);
  while (blockAt >= 0) {
    text += answer.slice(pos, blockAt);
    let result;
    try {
      result = handler.parseBlock(answer, blockAt, ctx);
    } catch (e) {
      // Parsers are written not to throw; this keeps that promise if one does.
      result = { kind: 'problem' as const, reason: `malformed call (${String(e)})`, end: answer.length };
    }
    const end = Math.max(result.end, blockAt + 1);
    const raw = answer.slice(blockAt, end);
    if (result.kind === 'text') text += result.text;
    else if (result.kind === 'problem') {
      text += raw;
      problems.push({ reason: result.incomplete && ctx.truncated ? 'truncated' : result.reason, raw });
    } else {
      const checked = result.calls.map((c) => checkCall(c, ctx.tools));
      const bad = checked.find((c): c is string => typeof c === 'string');
      if (bad !== undefined) {
        text += raw;
        problems.push({ reason: bad, raw });
      } else toolCalls.push(...(checked as ParsedToolCall[]));
    }
    pos = end;
    blockAt = findTrigger(answer, format.triggers, pos);
  }
  text += answer.slice(pos);
  return { text, toolCalls, problems };
}

/**
 * Splits a model's reply into reasoning, answer text and tool calls for its template's family.
 * Never throws: a call that cannot be read stays in `text` and is listed in `problems`.
 *
 * @param text - the generated text (special tokens rendered as text).
 * @param format - from {@link detectToolCallFormat}.
 */
export function parseAssistantOutput(
  text: string,
  format: ToolCallFormat,
  options: ParseAssistantOutputOptions = {},
): ParsedAssistantOutput {
  const split = splitReasoning(text, format, options.promptOpensReasoning ?? false);
  const reasoning = split.reasoning === undefined ? undefined : split.reasoning.trim();
  if (!split.closed) return { text: '', reasoning, toolCalls: [], problems: [] };
  const answer = dropMarkup(text.slice(split.answerStart), format).trimStart();
  const ctx: BlockContext = { truncated: options.truncated ?? false, ...(options.tools ? { tools: options.tools } : {}) };
  const parsed = parseAnswer(answer, format, ctx);
  return { text: parsed.text.trim(), reasoning, toolCalls: parsed.toolCalls, problems: parsed.problems };
}
