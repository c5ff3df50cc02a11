import type { ReplyPart } from './chat-stream.js';

/**
 * Keeps the streamed text of a plain reply equal to its final text. The output splitter trims
 * the answer's leading whitespace and holds back trailing whitespace (both mean nothing before
 * reasoning or a tool call), while a plain reply keeps its text exactly as generated (its token
 * ids are reused by the next prompt). So the first text part gets the generated output's leading
 * whitespace back when no reasoning came before it, and {@link ExactTextStream.rest} gives what
 * the final text has beyond the streamed one.
 */
export class ExactTextStream {
  #generated = '';
  #streamed = '';
  #reasoning = false;

  /** Records generated text (a token's piece) as it arrives. */
  generated(text: string): void {
    this.#generated += text;
  }

  /** `parts` as they are to be emitted. */
  adjust(parts: readonly ReplyPart[]): ReplyPart[] {
    return parts.map((part) => {
      if (part.type === 'reasoning') this.#reasoning = true;
      if (part.type !== 'text') return part;
      const lead = this.#streamed === '' && !this.#reasoning ? /^\s*/.exec(this.#generated)![0] : '';
      this.#streamed += lead + part.text;
      return lead ? { type: 'text', text: lead + part.text } : part;
    });
  }

  /** The text part that completes the stream to `text`, the plain reply's final text (none if nothing is missing). */
  rest(text: string): ReplyPart[] {
    if (text.length <= this.#streamed.length || !text.startsWith(this.#streamed)) return [];
    const part: ReplyPart = { type: 'text', text: text.slice(this.#streamed.length) };
    this.#streamed = text;
    return [part];
  }
}
