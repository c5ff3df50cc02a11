import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

/**
 * Builds (once; CMake and ccache make it cheap afterwards) llama.cpp's tools with the exact
 * CMake flags of `variant`, and returns their bin directory.
 */
export function llamaToolsBin(variant = 'cpu-avx2'): string {
  return execFileSync('node', [join(repoRoot, 'scripts/build-llama-tools.mjs'), '--variant', variant], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
