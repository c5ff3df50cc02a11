import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

/**
 * Builds (once; CMake and ccache make it cheap afterwards) llama.cpp's tools as
 * scripts/build-llama-tools.mjs does, and returns their bin directory: for one of ggml's CPU
 * levels (`best`: the one the addon runs here; `platform: 'linux-arm64'` cross-compiles one of
 * its levels), or for a GPU variant (`{ variant: 'vulkan' }`).
 */
export function llamaToolsBin(reference: { cpuLevel: string; platform?: string } | { variant: string } = { cpuLevel: 'best' }, targets?: string[]): string {
  const args = 'cpuLevel' in reference ? ['--cpu-level', reference.cpuLevel] : ['--variant', reference.variant];
  if ('platform' in reference && reference.platform) args.push('--platform', reference.platform);
  for (const target of targets ?? []) args.push('--target', target);
  return execFileSync('node', [join(repoRoot, 'scripts/build-llama-tools.mjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
}
