// Runs the built `gpt4all` bin (dist/cli.js) as a child process, as a user's shell would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built bin. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Options of {@link runCli} and {@link startCli}. */
export interface CliOptions {
  /** Added to this process's environment (a value of undefined removes the variable). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Default: nothing (stdin closed at once). */
  input?: string;
  /** Kill the process after this long (ms). Default 60 000. */
  timeoutMs?: number;
  /** Working directory. Default: this process's. */
  cwd?: string;
}

/** How a finished run went. */
export interface CliResult {
  /** Exit status (128 + the signal's number when a signal ended it). */
  code: number;
  /** The signal that ended it, if one did (not an exit through `process.exit`). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `gpt4all ...args` to its end. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return child.done;
}

/** A running `gpt4all` process whose output the test can wait for. */
export interface CliChild {
  process: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `pattern` has appeared on stderr (or rejects when the process ends first or `timeoutMs` passes). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** Starts `gpt4all ...args`. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliChild {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    for (const listener of listeners) listener();
  });
  child.stdin.on('error', () => {}); // a process that exits before reading its input
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const listener of listeners) listener();
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2), signal, stdout, stderr });
    });
  });
  return {
    process: child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stderr)) finish(resolve);
          else if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`the process ended before ${pattern} appeared on stderr:\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${pattern} did not appear on stderr within ${timeoutMs} ms:\n${stderr}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    done,
  };
}
