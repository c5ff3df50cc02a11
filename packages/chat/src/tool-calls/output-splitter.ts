import type { ToolDefinition } from '@gpt4all/templates';
import { FAMILY_HANDLERS } from './families/index.js';
import {
  dropMarkup,
  findTrigger,
  parseAssistantOutput,
  splitReasoning,
  type ParsedAssistantOutput,
} from './parse-assistant-output.js';
import type { ToolCallFormat } from './tool-call-format.js';

/** A piece of streamed output: thinking or answer text. Tool calls come only in the final result. */
export type OutputPart = { type: 'reasoning'; text: string } | { type: 'text'; text: string };

/** Options of {@link createOutputSplitter}. */
export interface OutputSplitterOptions {
  /** The prompt ended with the reasoning opening tag (see `promptOpensReasoning`). */
  promptOpensReasoning?: boolean;
  /** Tools offered; calls to other names become text with a problem. */
  tools?: readonly ToolDefinition[];
}

/** Streaming counterpart of `parseAssistantOutput`. */
export interface OutputSplitter {
  /** Feeds the next decoded piece; returns the reasoning and text that are now certain. */
  push(text: string): OutputPart[];
  /**
   * Ends the stream: returns what was held back (including failed calls, as text) and the full result.
   * The text parts of all calls concatenate to `result.text`, the reasoning parts to `result.reasoning`.
   */
  finish(options?: { truncated?: boolean }): { parts: OutputPart[]; result: ParsedAssistantOutput };
}

/** Length of the longest proper suffix of `s` that is a prefix of one of `words`. */
function heldSuffix(s: string, words: readonly string[]): number {
  let best = 0;
  for (const w of words) {
    for (let k = Math.min(w.length - 1, s.length); k > best; k--) {
      if (s.endsWith(w.slice(0, k))) {
        best = k;
        break;
      }
    }
  }
  return best;
}

/**
 * Splits a streamed reply into reasoning and answer text as it arrives, holding back only what could
 * still turn out to be a tag or the start of a tool call. From the first tool-call trigger on, the rest
 * is buffered and parsed by `finish()`, where it becomes calls, or text if it is not a valid call.
 *
 * Each `push` re-examines the buffered output (linear in its length): simple, and cheap at chat lengths.
 */
export function createOutputSplitter(format: ToolCallFormat, options: OutputSplitterOptions = {}): OutputSplitter {
  const promptOpens = options.promptOpensReasoning ?? false;
  const handler = FAMILY_HANDLERS[format.id];
  const holdWords = [...format.triggers, ...format.dropTokens];
  let buffer = '';
  let sentReasoning = '';
  let sentText = '';
  let finished = false;

  /** The reasoning and text that no continuation of `buffer` can change. */
  function certain(): { reasoning: string; text: string } {
    const tags = format.reasoning;
    if (tags && !promptOpens) {
      const lead = buffer.trimStart();
      if (lead.length < tags.open.length && tags.open.startsWith(lead)) return { reasoning: '', text: '' };
    }
    const split = splitReasoning(buffer, format, promptOpens);
    let reasoning = '';
    if (split.reasoning !== undefined) {
      if (!split.closed) {
        const r = split.reasoning;
        const held = heldSuffix(r, [tags!.close]);
        return { reasoning: r.slice(0, r.length - held).trim(), text: '' };
      }
      reasoning = split.reasoning.trim();
    }
    const raw = buffer.slice(split.answerStart);
    const rawCertain = raw.slice(0, raw.length - heldSuffix(raw, format.dropTokens));
    const answer = dropMarkup(rawCertain, format).trimStart();
    let pos = 0;
    if (format.startsWithCall && handler.classifyStart) {
      const kind = handler.classifyStart(answer, false);
      if (kind === undefined || kind.kind === 'call') return { reasoning, text: '' };
      pos = kind.skip;
    }
    const at = findTrigger(answer, format.triggers, pos);
    const body = at >= 0 ? answer.slice(pos, at) : answer.slice(pos, answer.length - heldSuffix(answer, holdWords));
    return { reasoning, text: body.trimEnd() };
  }

  function emit(reasoning: string, text: string): OutputPart[] {
    const parts: OutputPart[] = [];
    if (reasoning.length > sentReasoning.length && reasoning.startsWith(sentReasoning)) {
      parts.push({ type: 'reasoning', text: reasoning.slice(sentReasoning.length) });
      sentReasoning = reasoning;
    }
    if (text.length > sentText.length && text.startsWith(sentText)) {
      parts.push({ type: 'text', text: text.slice(sentText.length) });
      sentText = text;
    }
    return parts;
  }

  return {
    push(text) {
      if (finished) throw new Error('createOutputSplitter: push() after finish()');
      if (text === '') return [];
      buffer += text;
      const c = certain();
      return emit(c.reasoning, c.text);
    },
    finish(finishOptions = {}) {
      finished = true;
      const result = parseAssistantOutput(buffer, format, {
        promptOpensReasoning: promptOpens,
        truncated: finishOptions.truncated ?? false,
        ...(options.tools ? { tools: options.tools } : {}),
      });
      return { parts: emit(result.reasoning ?? '', result.text), result };
    },
  };
}
