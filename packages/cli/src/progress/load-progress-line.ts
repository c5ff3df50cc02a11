/**
 * A model's load progress on a terminal: one line, `loading <name>  42%`, redrawn in place and
 * erased when the model is ready, so that what follows (a prompt, a reply) starts on a clean
 * line. Shows nothing when `stream` is not a terminal: a log needs no load percentage.
 */
export class LoadProgressLine {
  readonly #label: string;
  readonly #stream: NodeJS.WriteStream;
  #shown = -1;

  constructor(label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.#label = label;
    this.#stream = stream;
  }

  /** `fraction` from 0 to 1. */
  update(fraction: number): void {
    if (!this.#stream.isTTY) return;
    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
    if (percent === this.#shown) return;
    this.#shown = percent;
    this.#stream.write(`\r\x1b[2Kloading ${this.#label} ${String(percent).padStart(3)}%`);
  }

  /** Erases the line (if one was drawn). */
  finish(): void {
    if (this.#shown >= 0 && this.#stream.isTTY) this.#stream.write('\r\x1b[2K');
    this.#shown = -1;
  }
}
