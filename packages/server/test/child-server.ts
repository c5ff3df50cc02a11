import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServeOptions } from '../src/index.js';

/** Where test/global-setup.ts builds the package for test/serve-child.mjs. */
export const CHILD_BUILD_DIR = fileURLToPath(new URL('../node_modules/.cache/server-under-test', import.meta.url));
const ENTRY = fileURLToPath(new URL('./serve-child.mjs', import.meta.url));

/** A server running in a child process (test/serve-child.mjs). */
export interface ChildServer {
  url: string;
  models: string[];
  process: ChildProcess;
  /** What it wrote to stderr so far (its log). */
  stderr(): string;
  /** Its resident memory now, in KiB (`VmRSS` of /proc/<pid>/status). */
  rssKiB(): number;
  /** Sends `signal` (default SIGTERM) and resolves with how it exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/serve-child.mjs with `options` (JSON-serialisable; `quiet` drops the request log). */
export async function startChildServer(options: Omit<ServeOptions, 'log'> & { quiet?: boolean }): Promise<ChildServer> {
  const child = spawn(process.execPath, [ENTRY, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = await new Promise<{ url: string; models: string[] }>((resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(JSON.parse(line));
    });
    exited.then(({ code, signal }) => reject(new Error(`the server exited (${code ?? signal}) before it listened:\n${stderr}`)));
  });
  return {
    ...started,
    process: child,
    stderr: () => stderr,
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]),
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
