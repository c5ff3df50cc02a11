import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How a program run by {@link runProcess} ended. */
export interface ProcessOutcome {
  /** Its exit status; null when a signal ended it (then `signal` says which). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it printed (stdout and stderr together), for error messages. */
  tail: string;
}

/** Lines kept for {@link ProcessOutcome.tail}: enough for a Python traceback. */
const TAIL_LINES = 40;

/**
 * Runs `command` with `args`, passing each line it prints (stdout and stderr) to `onLine`. An
 * aborted `signal` ends it (SIGTERM) and the promise settles once it has exited, so no child
 * outlives the call. Rejects only when the program cannot be started (ENOENT and the like).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { signal?: AbortSignal; onLine?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, windowsHide: true });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(line);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    const abort = (): void => {
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(error);
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      resolve({ code, signal, tail: tail.join('\n') });
    });
  });
}
