#!/usr/bin/env node
// Builds llama.cpp's own command-line tools from vendor/llama.cpp with the same CMake flags as a
// native variant, for parity tests and benchmarks (the reference the addon is measured against).
//
//   node scripts/build-llama-tools.mjs [--variant cpu-avx2] [--target llama-completion ...]
//
// Prints the bin directory. CMake and ccache make a second run nearly free.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const table = JSON.parse(readFileSync(join(root, 'crates/llama-sys/variants.json'), 'utf8'));
const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'cpu-avx2' },
    target: { type: 'string', multiple: true, default: ['llama-completion', 'llama-bench', 'llama-embedding'] },
  },
});
const spec = table.variants[values.variant];
if (!spec) throw new Error(`unknown variant ${values.variant}`);

const buildDir = join(root, 'target/llama-tools', values.variant);
// The variant's flags exactly, with the tools switched on (they need llama.cpp's common library; llama-embedding is an example).
const flags = { ...table.common, ...spec.cmake, LLAMA_BUILD_COMMON: 'ON', LLAMA_BUILD_TOOLS: 'ON', LLAMA_BUILD_EXAMPLES: 'ON', CMAKE_BUILD_TYPE: 'Release' };
// The vulkan variant needs a newer glslc and Vulkan headers than Debian bookworm's: the ones
// scripts/setup-vulkan-toolchain.sh provides, or GPT4ALL_GLSLC and GPT4ALL_VULKAN_INCLUDE_DIR.
const toolchain = join(root, '.cache/toolchains/vulkan-trixie');
if (values.variant === 'vulkan') {
  const provided = existsSync(join(toolchain, 'glslc'));
  const glslc = process.env.GPT4ALL_GLSLC ?? (provided ? join(toolchain, 'glslc') : undefined);
  const include = process.env.GPT4ALL_VULKAN_INCLUDE_DIR ?? (provided ? join(toolchain, 'root/usr/include') : undefined);
  if (glslc) flags.Vulkan_GLSLC_EXECUTABLE = glslc;
  if (include) flags.Vulkan_INCLUDE_DIR = include;
}
const generator = (() => {
  try {
    execFileSync('ninja', ['--version'], { stdio: 'ignore' });
    return ['-G', 'Ninja'];
  } catch {
    return [];
  }
})();
const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
execFileSync('cmake', ['-S', join(root, 'vendor/llama.cpp'), '-B', buildDir, ...generator, ...Object.entries(flags).map(([k, v]) => `-D${k}=${v}`)], quiet);
execFileSync('cmake', ['--build', buildDir, '--parallel', '--target', ...values.target], quiet);
console.log(join(buildDir, 'bin'));
