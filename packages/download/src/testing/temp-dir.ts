// Per-test temporary directories and checks on what a download left behind.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gpt4all-download-test-'));
}

export async function removeTempDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Names in `dir`, hidden bookkeeping folders (`.verified`, `.catalog`) excluded. */
export async function listModelDir(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => !name.startsWith('.')).sort();
}

/** SHA-256 of a file (tests compare digests: deep-equal on megabyte buffers is very slow). */
export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
