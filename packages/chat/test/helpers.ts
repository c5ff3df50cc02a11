import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Length of the longest common prefix of two token lists. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Greedy decoding: the same input always gives the same reply. */
export const greedy = { temperature: 0, seed: 1 } as const;

/** A fresh temporary directory, and a function that removes it. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'gpt4all-chat-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * How the tests load models. One thread per context: the test machine has two shared cores, and
 * llama.cpp's threads spin while they wait for each other, so more threads than free cores make
 * every step many times slower.
 */
export const loadOptions = { threads: 1 } as const;
