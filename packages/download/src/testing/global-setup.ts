// Bundles the child-process entry so that tests can spawn real processes
// running the current sources (Node 20 cannot run TypeScript directly).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    childScript: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'gpt4all-download-child-'));
  await build({
    entry: { 'download-child': fileURLToPath(new URL('./download-child.ts', import.meta.url)) },
    outDir,
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node20',
    // The script runs from a temporary directory, where no node_modules resolves packages.
    noExternal: [/.*/],
    silent: true,
    config: false,
    dts: false,
    sourcemap: false,
  });
  project.provide('childScript', join(outDir, 'download-child.mjs'));
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
