// Loads model files in a child process (load-runner-child.mjs), so that a file which crashes
// the engine or hangs it is recorded instead of taking the test process down. One child serves
// many files; after a crash or a hang the next job starts a fresh one.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** One load: a file, loaded with or without `vocabOnly`; `embedding` embeds instead of generating. */
export interface LoadJob {
  path: string;
  vocabOnly: boolean;
  embedding?: boolean;
}

/**
 * How a job ended:
 * - `ok`: loaded, tokenized, and (without vocabOnly) evaluated and generated (or embedded);
 * - `error`: a step threw; `code` and `message` are the error's (`code` undefined when untyped),
 *   `log` llama.cpp's warning and error lines meanwhile;
 * - `crash`: the child died (`signal`, or a non-zero `exitCode`) or answered garbage;
 *   `stderr` holds its last lines (GGML_ASSERT writes there);
 * - `hang`: no answer within the timeout; the child was killed.
 * `stage` is the step in progress: load, tokenize, context, evaluate, generate, embed or dispose.
 */
export type LoadOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; stage: string; code: string | undefined; name: string | undefined; message: string; log: string[] }
  | { kind: 'crash'; stage: string; signal: string | null; exitCode: number | null; stderr: string }
  | { kind: 'hang'; stage: string; timeoutMs: number; stderr: string };

const childScript = join(__dirname, 'load-runner-child.mjs');
const testsDir = join(__dirname, '..');
const STDERR_KEPT = 4000;
/** The line the child writes to stderr as it starts each step of a job. */
const STAGE_MARK = /^load-runner stage: (\w+)\n/gm;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface Pending {
  id: number;
  child: Child;
  settle: (outcome: LoadOutcome) => void;
}

/** One child process that loads files on request; respawned on demand after it dies. */
export class LoadRunner {
  #child: Child | undefined;
  #pending: Pending | undefined;
  #stderr = '';
  #stage = '';
  #nextId = 0;

  /** Runs one job; at most one at a time per runner. Never rejects for what the file does. */
  run(job: LoadJob, timeoutMs: number): Promise<LoadOutcome> {
    if (this.#pending) throw new Error('LoadRunner runs one job at a time');
    const child = this.#child ?? this.#spawn();
    const id = this.#nextId++;
    this.#stderr = '';
    this.#stage = 'start';
    return new Promise<LoadOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#finish({ kind: 'hang', stage: this.#stage, timeoutMs, stderr: this.#stderr });
        this.#kill();
      }, timeoutMs);
      this.#pending = {
        id,
        child,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      child.stdin.write(`${JSON.stringify({ id, ...job })}\n`);
    });
  }

  /** Ends the child process, if one is running. */
  close(): void {
    this.#kill();
  }

  #spawn(): Child {
    const child = spawn(process.execPath, [childScript], { cwd: testsDir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdin.on('error', () => {}); // a dead child's closed pipe; its exit reports it
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (this.#child !== child) return;
      for (const [, stage] of text.matchAll(STAGE_MARK)) this.#stage = stage!;
      this.#stderr = (this.#stderr + text.replace(STAGE_MARK, '')).slice(-STDERR_KEPT);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: { id?: number; ok?: boolean; stage?: string; code?: string; name?: string; message?: string; log?: string[] };
      try {
        answer = JSON.parse(line);
      } catch {
        answer = {};
      }
      if (this.#pending?.child !== child) return; // a killed child's last words
      if (answer.id !== this.#pending.id) {
        // Output that is not the answer to the job in flight: the child is not trustworthy.
        this.#finish({ kind: 'crash', stage: this.#stage, signal: null, exitCode: null, stderr: `unexpected output: ${line.slice(0, 200)}\n${this.#stderr}` });
        this.#kill();
        return;
      }
      this.#finish(
        answer.ok
          ? { kind: 'ok' }
          : { kind: 'error', stage: answer.stage ?? '?', code: answer.code, name: answer.name, message: answer.message ?? '', log: answer.log ?? [] },
      );
    });
    // 'close' rather than 'exit': stderr has been read to its end by then.
    child.on('close', (exitCode, signal) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#pending?.child === child) this.#finish({ kind: 'crash', stage: this.#stage, signal, exitCode, stderr: this.#stderr });
    });
    return child;
  }

  #finish(outcome: LoadOutcome): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.settle(outcome);
  }

  #kill(): void {
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Runs `work` for every item, spread over `runners` (each item waits for a free runner), and
 * returns the results in the order of `items`.
 */
export async function onRunners<T, R>(
  runners: readonly LoadRunner[],
  items: readonly T[],
  work: (runner: LoadRunner, item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    runners.map(async (runner) => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(runner, items[i]!, i);
      }
    }),
  );
  return results;
}
