import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './run-process.js';

/** The repository root: this file runs from packages/bench/src (tests) or packages/bench/dist. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The tools the harness compares against. */
export const llamaToolTargets = ['llama-bench', 'llama-batched-bench', 'llama-embedding', 'llama-completion'];

/**
 * Which llama.cpp build to compare with: one of ggml's CPU levels, a GPU variant, or
 * `GGML_NATIVE=ON` (compiled for this CPU, what a user gets by building llama.cpp here).
 */
export type LlamaReference = { cpuLevel: string } | { variant: string } | 'native';

/**
 * Builds llama.cpp's tools from the patched source (vendor/build/llama.cpp) as scripts/build-llama-tools.mjs does (for a CPU
 * level: that level's `GGML_<FEATURE>` flags; for a GPU variant: its flags), and returns their bin
 * directory and the CMake flags used. After the first build CMake and ccache make this a few seconds.
 */
export async function buildLlamaTools(reference: LlamaReference): Promise<{ binDir: string; flags: Record<string, string> }> {
  const script = join(repoRoot, 'scripts/build-llama-tools.mjs');
  const targets = llamaToolTargets.flatMap((t) => ['--target', t]);
  const which = reference === 'native' ? ['--native'] : 'cpuLevel' in reference ? ['--cpu-level', reference.cpuLevel] : ['--variant', reference.variant];
  const { stdout } = await runProcess(process.execPath, [script, ...which, ...targets], { timeoutMs: 30 * 60_000 });
  const binDir = stdout.trim().split('\n').pop()!;
  const { flags } = JSON.parse(readFileSync(join(binDir, '..', 'gpt4all-reference.json'), 'utf8')) as { flags: Record<string, string> };
  return { binDir, flags };
}

/** The pinned llama.cpp commit, for the report. */
export function llamaCppCommit(): string {
  const pin = JSON.parse(readFileSync(join(repoRoot, 'vendor/llama.cpp.pin.json'), 'utf8')) as Record<string, unknown>;
  return String(pin['commit'] ?? pin['sha'] ?? 'unknown');
}
