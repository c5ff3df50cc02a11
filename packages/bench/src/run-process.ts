import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, JobResults } from './jobs.js';

/** What a finished command printed. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and collects its output; a non-zero exit or a timeout throws with
 * the end of its stderr, which is where llama.cpp's tools say what went wrong.
 */
export function runProcess(command: string, args: string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) return resolve(output);
      const why = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', timed out?' : ''})` : `exited with ${code}`;
      reject(new Error(`${command} ${why}:\n${tail(output.stderr || output.stdout, 2000)}`));
    });
  });
}

/** Runs one engine job in a fresh Node.js process (worker.js, built next to this file). */
export async function runJob<K extends Job['kind']>(job: Extract<Job, { kind: K }>, timeoutMs: number): Promise<JobResults[K]> {
  const dir = mkdtempSync(join(tmpdir(), 'gpt4all-bench-'));
  try {
    const jobPath = join(dir, 'job.json');
    const resultPath = join(dir, 'result.json');
    writeFileSync(jobPath, JSON.stringify(job));
    const worker = fileURLToPath(new URL('./worker.js', import.meta.url));
    await runProcess(process.execPath, [worker, jobPath, resultPath], { timeoutMs });
    return JSON.parse(readFileSync(resultPath, 'utf8')) as JobResults[K];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tail(text: string, chars: number): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}
