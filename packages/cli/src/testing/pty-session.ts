// Runs a command in a pseudo-terminal through python3's `pty` module (pty-relay.py): the
// command sees a terminal on stdin, stdout and stderr, as it does in a user's shell.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('./pty-relay.py', import.meta.url));

/** A command running in a terminal of `columns` columns; the test types into it and reads its screen output. */
export class PtySession {
  /** Everything written to the terminal so far (escape sequences included). */
  output = '';
  /** Resolves with the command's exit status (128 + N for a signal N). */
  readonly exit: Promise<number>;
  #cursor = 0;
  #listeners = new Set<() => void>();
  #ended = false;
  readonly #write: (text: string) => void;
  readonly #kill: () => void;

  constructor(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; columns?: number } = {}) {
    const relay = spawn('python3', [RELAY, String(options.columns ?? 120), ...argv], {
      env: { TERM: 'xterm-256color', ...(options.env ?? process.env) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const decoder = new StringDecoder('utf8');
    relay.stdout.on('data', (chunk: Buffer) => {
      this.output += decoder.write(chunk);
      this.#notify();
    });
    let diagnostics = '';
    relay.stderr.setEncoding('utf8').on('data', (text: string) => (diagnostics += text));
    this.#write = (text) => relay.stdin.write(text);
    // The relay's end closes the terminal: the command gets SIGHUP.
    this.#kill = () => relay.kill('SIGKILL');
    this.exit = new Promise<number>((resolve, reject) => {
      relay.on('error', reject);
      relay.on('close', () => {
        this.#ended = true;
        this.#notify();
        const status = /pty-exit (\d+)\s*$/.exec(diagnostics);
        if (status) resolve(Number(status[1]));
        else reject(new Error(`the pty relay failed: ${diagnostics}`));
      });
    });
    this.exit.catch(() => {});
  }

  /** Types `text` (use `\r` for Enter, `\x03` for Ctrl-C, `\x04` for Ctrl-D). */
  type(text: string): void {
    this.#write(text);
  }

  /**
   * Waits until `pattern` appears in the output after the previous match, and moves past it.
   * Rejects when the command ends first or `timeoutMs` passes, with the output in the message.
   */
  waitFor(pattern: RegExp | string, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const regex = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = regex.exec(this.output.slice(this.#cursor));
        if (match) {
          this.#cursor += match.index + match[0].length;
          return finish(() => resolve(match));
        }
        if (this.#ended) finish(() => reject(new Error(`the command ended before ${regex} appeared; output after the last match:\n${this.#tail()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${regex} did not appear within ${timeoutMs} ms; output after the last match:\n${this.#tail()}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Ends the session if it still runs (for a test's cleanup). */
  close(): void {
    if (!this.#ended) this.#kill();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #tail(): string {
    return JSON.stringify(this.output.slice(this.#cursor).slice(-2000));
  }
}
