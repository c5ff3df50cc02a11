#!/usr/bin/env node
// Builds the native addon for one variant into its platform package: the addon, llama.cpp's
// shared libraries, and the variant's backend modules (its CPU levels, or its GPU backend),
// listed in the package's `native.json`; and the C ABI over the same core (crates/capi):
// libgpt4all with its header gpt4all.h, for programs in other languages.
// A variant with an `engine` in variants.json (cpu-avx) gets its CPU level modules only: the
// engine variant's package carries the rest, once.
//
//   pnpm build:native --variant cpu-avx2 [--debug] [--platform linux-x64 --if-supported]
//
// GPT4ALL_CPU_LEVELS chooses the CPU levels to build: `host` (the default: the levels this
// machine can run and test), `all` (releases), or a comma-separated list such as `x64,haswell`.
//
// Each platform package's `build` script names its own platform with `--if-supported`, so that
// `pnpm build` skips, quietly, the packages of other platforms. One platform is cross-built when
// asked for by name: `--variant cpu-arm --platform linux-arm64` on linux-x64.
// The variant's llama.cpp flags come from crates/llama-sys/variants.json (the same table the
// runtime resolver reads). Cargo keeps each variant's build apart, so switching variants and
// rebuilding is incremental, and ccache (when installed) shares compiled llama.cpp objects.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const table = JSON.parse(readFileSync(join(root, 'crates/llama-sys/variants.json'), 'utf8'));

const { values } = parseArgs({
  options: {
    variant: { type: 'string' },
    debug: { type: 'boolean', default: false },
    platform: { type: 'string' },
    'if-supported': { type: 'boolean', default: false },
  },
});

const host = `${process.platform}-${process.arch}`;
const platform = values.platform ?? host;
const variant = values.variant;
// The one cross-build: linux-arm64 on linux-x64, with Debian's aarch64 cross toolchain
// (scripts/setup-arm64-cross.sh). Never under --if-supported: `pnpm build` stays native.
const crossTargets = { 'linux-x64>linux-arm64': { triple: 'aarch64-unknown-linux-gnu', linker: 'aarch64-linux-gnu-gcc' } };
const cross = platform !== host ? crossTargets[`${host}>${platform}`] : undefined;
const skip = (message) => {
  if (!values['if-supported']) {
    console.error(message);
    process.exit(2);
  }
  console.log(`${message}; skipped`);
  process.exit(0);
};
if (platform !== host && (!cross || values['if-supported'])) {
  skip(`build-native: the ${platform} package ${cross ? 'is cross-built only when asked for without --if-supported' : `cannot be built on ${host}`}`);
}
if (!variant || !table.variants[variant]) {
  console.error(`usage: pnpm build:native --variant <${Object.keys(table.variants).join('|')}> [--debug]`);
  process.exit(2);
}
if (!table.variants[variant].platforms.includes(platform)) {
  skip(`build-native: ${variant} is not built for ${platform} (see crates/llama-sys/variants.json)`);
}

const packageDir = join(root, 'packages', `core-${platform}-${variant}`);
if (!existsSync(join(packageDir, 'package.json'))) {
  console.error(`build-native: no platform package at ${packageDir}`);
  process.exit(2);
}
const binaryName = `gpt4all.${platform}-${variant}.node`;
// Where napi writes the addon (a variant with an engine builds none).
const staging = join(root, 'target', 'napi', variant);
const engine = table.variants[variant].engine;

const napiArgs = [
  'build',
  '--manifest-path', join(root, 'crates/node/Cargo.toml'),
  '--package-json-path', join(root, 'packages/core/package.json'),
  '--features', variant,
  '--output-dir', staging,
  // Declarations are generated from the Rust code, never written by hand.
  '--dts', relative(staging, join(root, 'packages/core/src/native/binding.d.ts')),
  '--no-js',
];
if (!values.debug) napiArgs.push('--release');
if (cross) napiArgs.push('--target', cross.triple);
console.log(`build-native: ${variant} for ${platform}${cross ? ` (cross-built for ${cross.triple})` : ''}${values.debug ? ' (debug)' : ''}`);
// On Windows the package manager's shims are .cmd files, which only a shell can run.
const windows = process.platform === 'win32';
// The vulkan variant needs a newer glslc and Vulkan headers than Debian bookworm's: use the
// ones scripts/setup-vulkan-toolchain.sh provides, unless GPT4ALL_GLSLC and
// GPT4ALL_VULKAN_INCLUDE_DIR name others.
const toolchain = join(root, '.cache/toolchains/vulkan-trixie');
const env = { ...process.env };
if (cross) {
  const linkerVariable = `CARGO_TARGET_${cross.triple.toUpperCase().replaceAll('-', '_')}_LINKER`;
  env[linkerVariable] ??= cross.linker;
  if (!onPath(env[linkerVariable])) {
    console.error(`build-native: no ${env[linkerVariable]}: run \`bash scripts/setup-arm64-cross.sh\` (Debian's cross toolchain and Rust's ${cross.triple} target)`);
    process.exit(2);
  }
}
if (variant === 'vulkan' && existsSync(join(toolchain, 'glslc'))) {
  env.GPT4ALL_GLSLC ??= join(toolchain, 'glslc');
  env.GPT4ALL_VULKAN_INCLUDE_DIR ??= join(toolchain, 'root/usr/include');
}
// The cuda variant builds with the CUDA 13 toolkit that scripts/setup-cuda-toolchain.sh unpacks
// from PyPI, unless CUDA_PATH names another.
const cudaToolkit = join(root, '.cache/toolchains/cuda-13');
if (variant === 'cuda' && existsSync(join(cudaToolkit, 'bin/nvcc'))) {
  env.CUDA_PATH ??= cudaToolkit;
}
if (variant === 'cuda' && !env.CUDA_PATH && !onPath(windows ? 'nvcc.exe' : 'nvcc')) {
  console.error('build-native: no CUDA toolkit: run `bash scripts/setup-cuda-toolchain.sh` (CUDA 13 from PyPI), or set CUDA_PATH');
  process.exit(2);
}
const triple = cross?.triple ?? /^host: (.+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1];
const profile = values.debug ? 'debug' : 'release';
if (engine) {
  // Only llama.cpp's build, for the CPU level modules: the engine comes from another package.
  const cargoArgs = ['build', '--package', 'gpt4all-llama-sys', '--features', variant, '--target', triple];
  if (!values.debug) cargoArgs.push('--release');
  execFileSync('cargo', cargoArgs, { stdio: 'inherit', cwd: root, env });
} else {
  mkdirSync(staging, { recursive: true });
  execFileSync(join(root, 'node_modules/.bin', windows ? 'napi.cmd' : 'napi'), napiArgs, { stdio: 'inherit', cwd: root, shell: windows, env });
}

// napi writes <binaryName>.node; publish it under the variant's own name, with llama.cpp's
// libraries and the modules beside it, each file atomically.
// llama-sys's build script writes what it built into the Cargo profile directory, which is
// target/<triple>/<profile> when the target triple is named, as it is.
const manifestPath = readdirSync(join(root, 'target'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => [join(root, 'target', entry.name, profile), join(root, 'target', profile)])
  .map((dir) => join(dir, `gpt4all-native-${variant}.json`))
  .filter((path) => existsSync(path))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!manifestPath) throw new Error(`build-native: the build wrote no gpt4all-native-${variant}.json under target/`);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const publish = (from, name) => {
  const target = join(packageDir, name);
  copyFileSync(from, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
};
// The C ABI, with the addon's features and target triple, so that Cargo reuses the llama.cpp
// build it just made, and its header, generated from the Rust code (crates/capi-header).
const cLibrary = { win32: 'gpt4all.dll', darwin: 'libgpt4all.dylib' }[platform.split('-')[0]] ?? 'libgpt4all.so';
const cFiles = [cLibrary, 'gpt4all.h', ...(cLibrary.endsWith('.dll') ? ['gpt4all.lib'] : [])];
if (!engine) {
  publish(join(staging, 'gpt4all.node'), binaryName);
  const cargoArgs = ['build', '--lib', '--manifest-path', join(root, 'crates/capi/Cargo.toml'), '--features', variant, '--target', triple];
  if (!values.debug) cargoArgs.push('--release');
  execFileSync('cargo', cargoArgs, { stdio: 'inherit', cwd: root, env });
  publish(join(root, 'target', triple, profile, cLibrary), cLibrary);
  // MSVC links a DLL through its import library, which Cargo names gpt4all.dll.lib.
  if (cLibrary.endsWith('.dll')) publish(join(root, 'target', triple, profile, `${cLibrary}.lib`), 'gpt4all.lib');
  execFileSync('cargo', ['run', '--quiet', '--package', 'gpt4all-capi-header'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
  publish(join(root, 'crates/capi/include/gpt4all.h'), 'gpt4all.h');
}

// An engine-less package carries its CPU levels and nothing else.
const sharedLibraries = engine ? [] : manifest.sharedLibraries;
const backendModules = engine ? [] : manifest.backendModules;
const files = [...sharedLibraries, ...manifest.cpuLevels.map((level) => level.file), ...backendModules];
for (const file of files) publish(join(manifest.libDir, file), file);
// What the package carries, for the resolver and `gpt4all-doctor`.
const contents = { variant, ...(engine && { engine }), sharedLibraries, cpuLevels: manifest.cpuLevels, backendModules };
writeFileSync(join(packageDir, 'native.json.tmp'), `${JSON.stringify(contents, null, 2)}\n`);
renameSync(join(packageDir, 'native.json.tmp'), join(packageDir, 'native.json'));
// Files of an earlier build (a CPU level no longer chosen, an addon before the package lost its
// engine) would be loaded and scored, or published: remove them.
const keep = new Set([...files, ...(engine ? [] : [binaryName, ...cFiles])]);
for (const name of readdirSync(packageDir)) {
  const built = /\.(so(\.\d+)*|dll|dylib|node|lib)$/.test(name) || name === 'gpt4all.h';
  if (built && !keep.has(name)) rmSync(join(packageDir, name));
}
// The TypeScript contract (codes, names, defaults) comes from the addon just built; a cross-built
// addon cannot load here, and the contract does not depend on the platform.
if (!cross && !engine) execFileSync(process.execPath, [join(root, 'scripts/generate-contract.mjs'), join(packageDir, binaryName)], { stdio: 'inherit' });
const wrote = engine ? `${packageDir} (CPU levels only; the engine is the ${engine} package's)` : `${join(packageDir, binaryName)} and ${cLibrary}`;
console.log(`build-native: wrote ${wrote} with ${files.length} libraries (CPU levels: ${manifest.cpuLevels.map((l) => l.name).join(', ') || 'none'})`);

function onPath(program) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}
