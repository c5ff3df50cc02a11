import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './run-process.js';

/** The repository root: this file runs from packages/bench/src (tests) or packages/bench/dist. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The tools the harness compares against. */
export const llamaToolTargets = ['llama-bench', 'llama-embedding', 'llama-completion'];

/**
 * Builds llama.cpp's tools from vendor/llama.cpp with exactly the CMake flags of `variant` (the
 * repository's own script reads them from variants.json, like the addon's build), and returns
 * their bin directory. After the first build CMake and ccache make this a few seconds.
 */
export async function buildLlamaTools(variant: string): Promise<string> {
  const script = join(repoRoot, 'scripts/build-llama-tools.mjs');
  const targets = llamaToolTargets.flatMap((t) => ['--target', t]);
  const { stdout } = await runProcess(process.execPath, [script, '--variant', variant, ...targets], { timeoutMs: 30 * 60_000 });
  return stdout.trim().split('\n').pop()!;
}

/** The CMake flags a variant is built with (common ones first), and whether it computes on a GPU. */
export function variantSpec(variant: string): { flags: Record<string, string>; gpu: boolean } {
  const table = JSON.parse(readFileSync(join(repoRoot, 'crates/llama-sys/variants.json'), 'utf8')) as {
    common: Record<string, string>;
    variants: Record<string, { cmake: Record<string, string>; gpu: string | null }>;
  };
  const spec = table.variants[variant];
  if (!spec) throw new Error(`unknown variant ${variant}`);
  return { flags: { ...table.common, ...spec.cmake }, gpu: spec.gpu !== null };
}

/** The pinned llama.cpp commit, for the report. */
export function llamaCppCommit(): string {
  const pin = JSON.parse(readFileSync(join(repoRoot, 'vendor/llama.cpp.pin.json'), 'utf8')) as Record<string, unknown>;
  return String(pin['commit'] ?? pin['sha'] ?? 'unknown');
}
