import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './llama-tools.js';

/** The linux-arm64 package is cross-built and tested under QEMU on linux-x64 hosts. */
export const crossBuildsArm64 = process.platform === 'linux' && process.arch === 'x64';

export const arm64PackageDir = join(repoRoot, 'packages/core-linux-arm64-cpu-arm');

let node: string | undefined;

/**
 * Sets up the cross toolchain, QEMU and an arm64 Node.js (each step skipped when done), once per
 * process, and returns that Node.js's path.
 */
export function arm64Node(): string {
  node ??= execFileSync('bash', [join(repoRoot, 'scripts/setup-arm64-cross.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return node;
}

/** Cross-builds the linux-arm64 package (incremental: seconds when nothing changed). */
export function buildArm64Package(): void {
  arm64Node();
  execFileSync('node', [join(repoRoot, 'scripts/build-native.mjs'), '--variant', 'cpu-arm', '--platform', 'linux-arm64'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
