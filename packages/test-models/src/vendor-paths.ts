import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the monorepo root: the nearest ancestor holding pnpm-workspace.yaml,
 * searched from the working directory first and then from this module's own
 * location (so the CLI works from anywhere inside the checkout).
 */
export function findRepoRoot(): string {
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find the repository root (no pnpm-workspace.yaml above the working directory)');
}

/**
 * The vendored llama.cpp checkout: `LLAMA_CPP_DIR` when set, otherwise
 * `<repo>/vendor/llama.cpp`.
 */
export function llamaCppDir(): string {
  const fromEnv = process.env['LLAMA_CPP_DIR'];
  return fromEnv ? resolve(fromEnv) : join(findRepoRoot(), 'vendor', 'llama.cpp');
}
