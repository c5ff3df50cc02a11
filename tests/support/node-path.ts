import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './llama-tools.js';

/**
 * A folder to put on NODE_PATH so that a child process finds the workspace's platform package
 * `core-<platform>-<variant>` as an application that installed it would: @gpt4all/core does
 * not depend on the GPU packages.
 */
export function nodePathWithPlatformPackage(variant: string, platform = 'linux-x64'): string {
  const name = `core-${platform}-${variant}`;
  const dir = join(repoRoot, '.cache/node-path', name);
  const link = join(dir, '@gpt4all', name);
  if (!existsSync(link)) {
    mkdirSync(join(dir, '@gpt4all'), { recursive: true });
    symlinkSync(join(repoRoot, 'packages', name), link, 'dir');
  }
  return dir;
}
