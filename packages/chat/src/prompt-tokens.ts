import type { Model as EngineModel } from '@gpt4all/core';
import { renderPrompt, type ChatFormat } from './chat-format.js';
import type { ToolDefinition } from '@gpt4all/templates';
import type { ChatMessage } from './chat-message.js';
import { invalidArgument } from './errors/chat-error.js';
import { ControlTextMatcher, type TextMatch } from './control-text-matcher.js';

/** How a prompt treats the text of messages. */
export interface PromptOptions {
  /**
   * Parse control-token text inside messages (`<|im_end|>`) as control tokens, as the template's
   * own text is. Unsafe for text you do not trust: it lets a message end its turn and start
   * another (a system turn, say). Default false: message text is always plain text.
   */
  specialTokensInContent?: boolean;
  /** Tool definitions for the template (`tools`). */
  tools?: ToolDefinition[];
}

/** A rendered prompt: the template's text, and the token ids the model is given for it. */
export interface Prompt {
  text: string;
  tokens: number[];
}

interface Range {
  start: number;
  end: number;
}

/** Reply ids that replace `text[start, end)` of the rendered prompt. */
interface Splice extends Range {
  ids: number[];
}

/**
 * Whitespace at the start and end of a string, as C's `isspace` sees it: what llama.cpp strips
 * next to a control token that asks for it, and what templates trim off a reply (Unicode spaces aside).
 */
const C_SPACE = /^[ \t\n\v\f\r]*/;
const C_SPACE_END = /[ \t\n\v\f\r]*$/;
// How many tokens at either end of a reply may be cut off by a template that trims it.
const MAX_TRIMMED_TOKENS = 16;

/**
 * Turns messages into the token ids of a prompt, for one model. Two rules set it apart from
 * tokenizing the rendered text:
 *
 * - Only the template's own text produces control tokens. Before rendering, every control-token
 *   text inside the messages is wrapped in a pair of private-use markers; the rendered text is
 *   cut at them and what they enclose is tokenized as plain text. Wrapping (rather than replacing)
 *   keeps templates that look into the text working: `'</think>' in content`, `split`, `strip`.
 * - An assistant message's `tokens` (the ids the model generated) are used as they are where the
 *   template printed the reply unchanged (found verbatim, or with only surrounding whitespace
 *   trimmed), so the prompt matches the KV cache: text does not always re-tokenize to the ids the
 *   model generated. Where the template changed the reply, it is tokenized as text.
 *
 * Everything else is tokenized exactly as llama.cpp tokenizes the whole text with special tokens
 * parsed: the text is cut only at the template's control tokens, where llama.cpp cuts it too.
 */
export class PromptTokenizer {
  readonly #engine: EngineModel;
  readonly #controlIds: Set<number>;
  readonly #matcher: ControlTextMatcher;
  readonly #anchor: number;
  readonly #anchorText: string;
  // Whether the tokenizer puts a space before every run of text it tokenizes (SentencePiece).
  readonly #spacePrefix: boolean;
  readonly #strips = new Map<string, { left: boolean; right: boolean }>();

  constructor(engine: EngineModel) {
    this.#engine = engine;
    const controls = engine.controlTokens();
    this.#controlIds = new Set(controls.map((token) => token.id));
    this.#matcher = new ControlTextMatcher(controls.map((token) => token.text));
    this.#anchor = engine.tokenize('a').at(-1) ?? 0;
    this.#anchorText = engine.detokenize([this.#anchor]);
    this.#spacePrefix = engine.detokenize([this.#anchor, this.#anchor]) !== this.#anchorText + this.#anchorText;
  }

  /** Renders `messages` as the prompt of the next reply and turns it into token ids. */
  prompt(format: ChatFormat, messages: readonly ChatMessage[], options: PromptOptions = {}): Prompt {
    const special = options.specialTokensInContent === true;
    const markers = special ? undefined : pickMarkers(messages, format);
    const forTemplate = messages.map(({ tokens: _ids, ...message }) =>
      markers ? (mapStrings(message, (text) => this.#wrap(text, markers)) as ChatMessage) : message,
    );
    const rendered = renderPrompt(format, forTemplate, options.tools);
    const { text, plain } = markers ? unmark(rendered, markers) : { text: rendered, plain: [] };
    const addBos = !(format.bosToken !== undefined && format.bosToken !== '' && text.startsWith(format.bosToken));

    const controls = outside(text, plain).flatMap((range) => this.#matcher.find(text, range.start, range.end));
    const splices = this.#locateReplies(text, messages, controls);
    if (plain.length === 0 && splices.length === 0) {
      return { text, tokens: this.#engine.tokenize(text, { special: true, addSpecial: addBos }) };
    }
    return { text, tokens: this.#assemble(text, addBos, controls, plain, splices) };
  }

  /**
   * The ids to keep with a reply of `text` generated as `generated`: ids that spell `text`
   * exactly and hold no control token. Ids past the end of the text (a stop string the text
   * leaves out) are cut off, and a tail that does not end on a token boundary is tokenized.
   * `undefined` when no such ids can be made.
   */
  replyTokens(generated: readonly number[], text: string): number[] | undefined {
    const firstControl = generated.findIndex((id) => this.#controlIds.has(id));
    const usable = firstControl === -1 ? generated.length : firstControl;
    for (let end = usable; end >= Math.max(0, usable - MAX_TRIMMED_TOKENS); end--) {
      const ids = generated.slice(0, end);
      const spelled = this.#spell(ids);
      if (spelled === text) return ids;
      if (!text.startsWith(spelled)) continue;
      const whole = [...ids, ...this.#engine.tokenize(text.slice(spelled.length))];
      return this.#spells(whole, text) ? whole : undefined;
    }
    return undefined;
  }

  /** Whether `ids` are plain tokens of this model that spell `text`. */
  #spells(ids: unknown, text: string): ids is number[] {
    const vocabSize = this.#engine.info.vocabSize;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0 && id < vocabSize && !this.#controlIds.has(id))) return false;
    return this.#spell(ids) === text;
  }

  /** The text of `ids` where they follow other text (no space is dropped at their start). */
  #spell(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    return this.#engine.detokenize([this.#anchor, ...ids]).slice(this.#anchorText.length);
  }

  #wrap(text: string, [open, close]: Markers): string {
    const matches = this.#matcher.find(text);
    if (matches.length === 0) return text;
    let wrapped = '';
    let at = 0;
    for (const { start, end } of matches) {
      wrapped += `${text.slice(at, start)}${open}${text.slice(start, end)}${close}`;
      at = end;
    }
    return wrapped + text.slice(at);
  }

  /**
   * Finds where the template printed each reply that carries its generated ids, walking the
   * messages in order through the text (each message's content moves the search on, so a reply
   * is not found inside the question before it).
   */
  #locateReplies(text: string, messages: readonly ChatMessage[], controls: readonly TextMatch[]): Splice[] {
    const splices: Splice[] = [];
    let cursor = 0;
    for (const message of messages) {
      const content = message.content;
      if (typeof content !== 'string' || content === '') continue;
      if (message.role !== 'assistant' || !this.#spells(message.tokens, content)) {
        const at = text.indexOf(content, cursor);
        if (at !== -1) cursor = at + content.length;
        continue;
      }
      const splice = this.#locateReply(text, cursor, content, message.tokens, controls);
      if (splice) {
        cursor = splice.end;
        splices.push(...(splice.ids.length > 0 ? [splice] : []));
      }
    }
    return splices;
  }

  #locateReply(text: string, cursor: number, content: string, ids: number[], controls: readonly TextMatch[]): Splice | undefined {
    const lead = C_SPACE.exec(content)![0].length;
    const kept = content.slice(lead, content.length - C_SPACE_END.exec(content.slice(lead))![0].length);
    const candidates = kept === content ? [[0, content] as const] : [[0, content] as const, [lead, kept] as const];
    for (const [from, part] of candidates) {
      if (part === '') continue;
      let at = text.indexOf(part, cursor);
      // The template's own control tokens are never replaced: a match across one is not the reply.
      while (at !== -1 && controls.some((c) => c.start < at + part.length && c.end > at)) at = text.indexOf(part, at + 1);
      if (at === -1) continue;
      const aligned = this.#alignedIds(ids, content, from, from + part.length);
      if (!aligned) return { start: at, end: at + part.length, ids: [] };
      const splice = { start: at + aligned.start - from, end: at + aligned.end - from, ids: aligned.ids };
      // A SentencePiece tokenizer would put a space in front of text that follows the ids.
      if (this.#spacePrefix && splice.end < text.length && !controls.some((c) => c.start === splice.end)) return { ...splice, ids: [] };
      return splice;
    }
    return undefined;
  }

  /** The ids lying wholly inside `content[start, end)`, and where they begin and end. */
  #alignedIds(ids: number[], content: string, start: number, end: number): (Range & { ids: number[] }) | undefined {
    if (start === 0 && end === content.length) return { start, end, ids };
    let first = -1;
    let from = 0;
    for (let i = 0; i <= Math.min(ids.length, MAX_TRIMMED_TOKENS) && first === -1; i++) {
      const spelled = this.#spell(ids.slice(0, i));
      if (spelled.length >= start && content.startsWith(spelled)) [first, from] = [i, spelled.length];
    }
    for (let j = ids.length; j >= Math.max(first + 1, ids.length - MAX_TRIMMED_TOKENS) && first !== -1; j--) {
      const spelled = this.#spell(ids.slice(j));
      if (content.length - spelled.length <= end && content.endsWith(spelled)) {
        return { start: from, end: content.length - spelled.length, ids: ids.slice(first, j) };
      }
    }
    return undefined;
  }

  /**
   * Token ids of the text, cut where llama.cpp cuts it (at the template's control tokens): runs
   * of text that hold message control text or reply ids are tokenized as plain text around the
   * ids; everything else with special tokens parsed, as one tokenization of the whole would.
   */
  #assemble(text: string, addBos: boolean, controls: readonly TextMatch[], plain: readonly Range[], splices: readonly Splice[]): number[] {
    const tokens: number[] = [];
    let bosPending = addBos;
    const emitText = (start: number, end: number, special: boolean) => {
      if (start >= end) return;
      tokens.push(...this.#engine.tokenize(text.slice(start, end), { special, addSpecial: bosPending }));
      bosPending = false;
    };
    const emitIds = (ids: readonly number[]) => {
      if (bosPending) tokens.push(...this.#engine.tokenize('', { addSpecial: true }));
      bosPending = false;
      tokens.push(...ids);
    };

    let chunkStart = 0;
    for (let k = 0; k <= controls.length; k++) {
      const before = controls[k - 1];
      const after = controls[k];
      const run = { start: before?.end ?? 0, end: after?.start ?? text.length };
      const inRun = splices.filter((s) => s.start >= run.start && s.end <= run.end);
      if (inRun.length === 0 && !plain.some((p) => p.start < run.end && p.end > run.start)) continue;

      emitText(chunkStart, run.start, true);
      // llama.cpp drops the whitespace next to a control token that strips it (Phi-3's, say); the
      // ids of a reply stay as they were generated.
      let start = run.start;
      let end = run.end;
      if (before && this.#stripsAround(before.text).right) start += C_SPACE.exec(text.slice(start, inRun[0]?.start ?? end))![0].length;
      if (after && this.#stripsAround(after.text).left) end -= C_SPACE_END.exec(text.slice(inRun.at(-1)?.end ?? start, end))![0].length;
      for (const splice of inRun) {
        emitText(start, splice.start, false);
        emitIds(splice.ids);
        start = splice.end;
      }
      emitText(start, end, false);
      chunkStart = run.end;
    }
    emitText(chunkStart, text.length, true);
    if (bosPending) emitIds([]);
    return tokens;
  }

  /** Whether llama.cpp drops the whitespace before (`left`) and after (`right`) this control token. */
  #stripsAround(control: string): { left: boolean; right: boolean } {
    let strips = this.#strips.get(control);
    if (!strips) {
      const ids = (text: string) => this.#engine.tokenize(text, { special: true }).join();
      strips = { left: ids(`a ${control}`) === ids(`a${control}`), right: ids(`${control} a`) === ids(`${control}a`) };
      this.#strips.set(control, strips);
    }
    return strips;
  }
}

/** The opening and closing marker around control text in messages. */
type Markers = readonly [string, string];

/**
 * Two private-use characters that appear nowhere in the messages or the template.
 * @throws {Gpt4AllError} `ERR_INVALID_ARGUMENT` when the messages hold almost all 6,400 of them.
 */
function pickMarkers(messages: readonly ChatMessage[], format: ChatFormat): Markers {
  const seen: string[] = [format.renderer.template, format.bosToken ?? ''];
  mapStrings(messages, (text) => {
    seen.push(text);
    return text;
  });
  const haystack = seen.join('\n');
  const free: string[] = [];
  for (let code = 0xe000; code <= 0xf8ff && free.length < 2; code++) {
    if (!haystack.includes(String.fromCharCode(code))) free.push(String.fromCharCode(code));
  }
  if (free.length < 2) throw invalidArgument('the messages hold nearly every private-use character: no two are left to mark control text with');
  return [free[0]!, free[1]!];
}

/** `value` with every string in it (keys included) passed through `map`. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [mapStrings(key, map), mapStrings(item, map)]));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map)]));
  }
  return value;
}

/**
 * Removes the markers: what a pair encloses is message control text (plain), and a marker left
 * alone (the template cut its text apart, e.g. with `split('</think>')`) is simply dropped.
 */
function unmark(rendered: string, [open, close]: Markers): { text: string; plain: Range[] } {
  let text = '';
  const plain: Range[] = [];
  let at = 0;
  let opened = -1;
  for (let i = 0; i < rendered.length; i++) {
    const char = rendered[i];
    if (char !== open && char !== close) continue;
    text += rendered.slice(at, i);
    at = i + 1;
    if (char === open) opened = text.length;
    else if (opened !== -1 && opened < text.length) plain.push({ start: opened, end: text.length });
    if (char === close) opened = -1;
  }
  text += rendered.slice(at);
  return { text, plain };
}

/** The parts of `[0, text.length)` outside `ranges` (sorted, disjoint). */
function outside(text: string, ranges: readonly Range[]): Range[] {
  const parts: Range[] = [];
  let start = 0;
  for (const range of ranges) {
    if (range.start > start) parts.push({ start, end: range.start });
    start = range.end;
  }
  if (start < text.length) parts.push({ start, end: text.length });
  return parts;
}
