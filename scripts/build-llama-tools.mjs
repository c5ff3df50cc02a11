#!/usr/bin/env node
// Builds llama.cpp's own command-line tools, as a user who compiles llama.cpp would (static
// libraries, one CPU code path), for parity tests and benchmarks: the reference the addon is
// measured against. The source is the addon's: vendor/build/llama.cpp, the pinned checkout with
// vendor/patches applied, which crates/llama-sys/build.rs makes (so build the addon first).
//
//   node scripts/build-llama-tools.mjs --cpu-level <level|best> [--target llama-completion ...]
//   node scripts/build-llama-tools.mjs --native     (GGML_NATIVE=ON: compiled for this CPU)
//   node scripts/build-llama-tools.mjs --variant vulkan
//   node scripts/build-llama-tools.mjs --platform linux-arm64 --cpu-level armv8.0_1
//
// A CPU level is one of ggml's (`x64`, `sse42`, `haswell`, `zen4`, ...): the reference gets the
// level's `GGML_<FEATURE>` options on and the others off, as ggml's own build of that level, with
// the features the platform package's native.json records for it. `best` is the level the addon
// runs on this machine. Prints the bin directory; gpt4all-reference.json beside it records the
// flags. CMake and ccache make a second run nearly free. `--platform linux-arm64` cross-compiles
// on linux-x64 (scripts/setup-arm64-cross.sh), for the arm64 package's parity test under QEMU.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const table = JSON.parse(readFileSync(join(root, 'crates/llama-sys/variants.json'), 'utf8'));
const { values } = parseArgs({
  options: {
    variant: { type: 'string' },
    'cpu-level': { type: 'string' },
    native: { type: 'boolean', default: false },
    platform: { type: 'string' },
    target: { type: 'string', multiple: true, default: ['llama-completion', 'llama-bench', 'llama-batched-bench', 'llama-embedding'] },
  },
});

// Static, without backend modules: one binary with one CPU code path. The tools need llama.cpp's
// common library; llama-embedding is an example. llama-batched-bench is the bar for continuous
// batching (several sequences decoded in one batch).
const flags = {
  ...table.common,
  BUILD_SHARED_LIBS: 'OFF',
  GGML_BACKEND_DL: 'OFF',
  GGML_CPU_ALL_VARIANTS: 'OFF',
  LLAMA_BUILD_COMMON: 'ON',
  LLAMA_BUILD_TOOLS: 'ON',
  LLAMA_BUILD_EXAMPLES: 'ON',
  CMAKE_BUILD_TYPE: 'Release',
};
const host = `${process.platform}-${process.arch}`;
const platform = values.platform ?? host;
const cross = platform !== host;
if (cross) {
  if (host !== 'linux-x64' || platform !== 'linux-arm64') throw new Error(`cross-building is from linux-x64 to linux-arm64 only, not ${host} to ${platform}`);
  if (values.native || values.variant || values['cpu-level'] === undefined || values['cpu-level'] === 'best') {
    throw new Error('a cross-build takes a named --cpu-level (this machine cannot run the addon to ask for the best one)');
  }
  Object.assign(flags, {
    CMAKE_SYSTEM_NAME: 'Linux',
    CMAKE_SYSTEM_PROCESSOR: 'aarch64',
    CMAKE_C_COMPILER: 'aarch64-linux-gnu-gcc',
    CMAKE_CXX_COMPILER: 'aarch64-linux-gnu-g++',
  });
}
/**
 * The CMake flags of the compiler the platform package builds a CPU level with `features`: the
 * first matching rule of the table's `cpuLevelCompiler` (the rule of cpu_level_compiler in
 * crates/llama-sys/build.rs); none for the default compiler.
 */
function levelCompiler(features) {
  const rule = (table.cpuLevelCompiler[platform] ?? []).find((r) => (r.with ?? []).every((f) => features.includes(f)) && !(r.without ?? []).some((f) => features.includes(f)));
  return rule?.cmake ?? {};
}

let name;
if (values.native) {
  name = 'native';
  flags.GGML_NATIVE = 'ON';
  // The compiler of the level this CPU would run, by the features that choose it: a GCC build for
  // an AMX CPU crashes (see cpuLevelCompiler in variants.json).
  const cpuFlags = process.platform === 'linux' ? (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').split(/\s+/) : [];
  Object.assign(flags, levelCompiler([...(cpuFlags.includes('avx512f') ? ['avx512'] : []), ...(cpuFlags.includes('amx_int8') ? ['amx_int8'] : [])]));
} else if (values.variant) {
  const spec = table.variants[values.variant];
  if (!spec?.gpu) throw new Error(`--variant takes a GPU variant (${Object.keys(table.variants).filter((v) => table.variants[v].gpu).join(', ')}); use --cpu-level for CPU code`);
  name = values.variant;
  Object.assign(flags, spec.cmake);
  // The vulkan variant needs a newer glslc and Vulkan headers than Debian bookworm's: the ones
  // scripts/setup-vulkan-toolchain.sh provides, or GPT4ALL_GLSLC and GPT4ALL_VULKAN_INCLUDE_DIR.
  const toolchain = join(root, '.cache/toolchains/vulkan-trixie');
  const provided = existsSync(join(toolchain, 'glslc'));
  const glslc = process.env.GPT4ALL_GLSLC ?? (provided ? join(toolchain, 'glslc') : undefined);
  const include = process.env.GPT4ALL_VULKAN_INCLUDE_DIR ?? (provided ? join(toolchain, 'root/usr/include') : undefined);
  if (values.variant === 'vulkan' && glslc) flags.Vulkan_GLSLC_EXECUTABLE = glslc;
  if (values.variant === 'vulkan' && include) flags.Vulkan_INCLUDE_DIR = include;
} else {
  const level = values['cpu-level'] === undefined || values['cpu-level'] === 'best' ? await bestLevel() : values['cpu-level'];
  const levels = builtLevels();
  const features = levels.get(level);
  if (!features) throw new Error(`CPU level ${level} is in no built platform package (built: ${[...levels.keys()].join(', ') || 'none'})`);
  name = `${cross ? `${platform}-` : ''}level-${level}`;
  Object.assign(flags, levelCompiler(features));
  if (platform.endsWith('-arm64')) {
    flags.GGML_CPU_ARM_ARCH = armMarch(features);
  } else {
    // Every feature switch, off unless the level has it: with GGML_NATIVE off ggml turns the
    // basic ones on by default. The same rule as crates/llama-sys/build.rs.
    const all = new Set(['sse42', 'avx', 'avx2', 'bmi2', 'fma', 'f16c', 'amx_bf16', ...[...levels.values()].flat()]);
    for (const feature of all) flags[`GGML_${feature.toUpperCase()}`] = features.includes(feature) ? 'ON' : 'OFF';
  }
}

const source = join(root, 'vendor/build/llama.cpp');
if (!existsSync(join(source, '.gpt4all-patches'))) {
  throw new Error(`${source} is missing: build the addon first (node scripts/build-native.mjs), which makes the patched source`);
}
const buildDir = join(root, 'target/llama-tools', name);
// CMake cannot switch the compiler, or the source, of a configured build directory: start it afresh.
const recorded = join(buildDir, 'gpt4all-reference.json');
const cache = join(buildDir, 'CMakeCache.txt');
if (
  (existsSync(recorded) && JSON.parse(readFileSync(recorded, 'utf8')).flags.CMAKE_C_COMPILER !== flags.CMAKE_C_COMPILER) ||
  (existsSync(cache) && !readFileSync(cache, 'utf8').includes(`CMAKE_HOME_DIRECTORY:INTERNAL=${source}\n`))
) {
  rmSync(buildDir, { recursive: true, force: true });
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
execFileSync('cmake', ['-S', source, '-B', buildDir, ...generator, ...Object.entries(flags).map(([k, v]) => `-D${k}=${v}`)], quiet);
execFileSync('cmake', ['--build', buildDir, '--parallel', '--target', ...values.target], quiet);
// What this reference is, for reports (the benchmark prints its flags).
writeFileSync(join(buildDir, 'gpt4all-reference.json'), `${JSON.stringify({ name, flags }, null, 2)}\n`);
console.log(join(buildDir, 'bin'));

/** ggml's CPU levels in the built platform packages of this platform, with their features. */
function builtLevels() {
  const levels = new Map();
  for (const entry of readdirSync(join(root, 'packages'))) {
    const manifest = join(root, 'packages', entry, 'native.json');
    if (!entry.startsWith(`core-${platform}-`) || !existsSync(manifest)) continue;
    for (const level of JSON.parse(readFileSync(manifest, 'utf8')).cpuLevels) levels.set(level.name, level.features);
  }
  return levels;
}

/** The level the addon runs on this machine, asked of the addon (it scores the installed levels). */
async function bestLevel() {
  const core = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
  return core.backendInfo().cpu.level;
}

/**
 * The `-march` of one of ggml's Arm CPU levels, by the rule of ggml-cpu/CMakeLists.txt for
 * `GGML_CPU_ALL_VARIANTS`: each feature adds its extension and raises the base architecture to
 * the first that has it (dotprod, fp16, sve: Armv8.2-A; i8mm, sve2: Armv8.6-A).
 */
function armMarch(features) {
  const extensions = [
    ['dotprod', 'armv8.2-a', '+dotprod'],
    ['fp16_vector_arithmetic', 'armv8.2-a', '+fp16'],
    ['sve', 'armv8.2-a', '+sve'],
    ['matmul_int8', 'armv8.6-a', '+i8mm'],
    ['sve2', 'armv8.6-a', '+sve2'],
  ];
  let base = 'armv8-a';
  let tags = '';
  for (const [feature, arch, tag] of extensions) {
    if (!features.includes(feature)) continue;
    base = arch;
    tags += tag;
  }
  const unknown = features.filter((f) => !extensions.some(([known]) => known === f));
  if (unknown.length > 0) throw new Error(`no -march rule for the Arm features ${unknown.join(', ')}`);
  return base + tags;
}
