// The cuda platform package, checked on the built file on a machine without an NVIDIA GPU:
// what it links (the CUDA runtime dynamically, the major version its package.json names); that
// resolution passes it over with a reason, without a driver and with one that cannot serve it,
// instead of failing or crashing; and that its CPU code generates exactly as cpu-avx2's. Runs only where
// the cuda addon is built (`bash scripts/setup-cuda-toolchain.sh && pnpm build:native --variant
// cuda`; a long build, so CI does not do it).
//
// @gpt4all/core does not depend on GPU packages, so the checks run in a child process that finds
// the cuda package through NODE_PATH, as an application that installed it would.
import type { BackendAttempt, BackendResolution } from '@gpt4all/core';
import { ensureTestModel } from '@gpt4all/test-models';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodePathWithPlatformPackage } from './support/node-path.js';

const root = resolve(__dirname, '..');
const cudaPackage = join(root, 'packages/core-linux-x64-cuda');
const addon = join(cudaPackage, 'gpt4all.linux-x64-cuda.node');
const toolkitLib = join(root, '.cache/toolchains/cuda-13/lib');
const manifest = JSON.parse(readFileSync(join(cudaPackage, 'package.json'), 'utf8'));
const table = JSON.parse(readFileSync(join(root, 'crates/llama-sys/variants.json'), 'utf8'));
const cudaMajor: number = table.variants.cuda.requires.cudaMajor;
const systemLibraries = /^(libstdc\+\+\.so\.6|libgcc_s\.so\.1|libm\.so\.6|libc\.so\.6|ld-linux-x86-64\.so\.2)$/;

/** The DT_NEEDED entries: what the dynamic loader must find before the addon can load. */
function neededLibraries(file: string): string[] {
  const dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
  return [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
}

// Resolves twice, as an application would: on this machine as it is, then pretending an NVIDIA
// driver is present so that the real addon is loaded in the probe's child process. Then loads a
// model with the default backend and prints backendInfo().
const inspect = `
import { backendInfo, loadModel, resolveBackend } from '@gpt4all/core';
const [modelPath] = process.argv.slice(1);
const asIs = resolveBackend({ probeCache: null, warn: false });
const pretended = resolveBackend({
  probeCache: null,
  warn: false,
  hints: { ...asIs.gpu, nvidiaDriver: { present: true, detail: 'pretended by the test' } },
});
const model = await loadModel(modelPath);
const info = backendInfo();
await model.dispose();
process.stdout.write(JSON.stringify({ asIs, pretended, info }));
`;


// Greedy generation on one backend, with the default gpuLayers ('max' on a GPU backend: with no
// GPU device, every layer stays on the CPU).
const generate = `
import { backendInfo, listDevices, loadModel } from '@gpt4all/core';
const [modelPath, prompt] = process.argv.slice(1);
const model = await loadModel(modelPath);
const context = await model.createContext({ contextSize: 256, threads: 2 });
const { text, tokens } = await context.generate(prompt, { maxTokens: 24, temperature: 0 });
await model.dispose();
process.stdout.write(JSON.stringify({ variant: backendInfo().variant, devices: listDevices(), text, tokens }));
`;

/**
 * A folder holding `libcuda.so.1` as a driver that cannot serve the runtime: the toolkit's link
 * stub, whose every entry point answers CUDA_ERROR_NO_DEVICE (scripts/setup-cuda-toolchain.sh).
 */
function driverThatFails(): string {
  const dir = join(root, '.cache/cuda-stub-driver');
  if (!existsSync(join(dir, 'libcuda.so.1'))) {
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(toolkitLib, 'stubs/libcuda.so'), join(dir, 'libcuda.so.1'));
  }
  return dir;
}

interface Inspection {
  asIs: BackendResolution;
  pretended: BackendResolution;
  info: BackendResolution;
}

const cudaAttempt = (resolution: BackendResolution): BackendAttempt | undefined => resolution.attempts.find((a) => a.variant === 'cuda');

function runNode(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: __dirname, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const hasNvidiaDriver = existsSync('/proc/driver/nvidia/version');
const hasToolkit = existsSync(join(toolkitLib, 'stubs/libcuda.so'));

describe.skipIf(process.platform !== 'linux' || !existsSync(addon))('cuda platform package', () => {
  it(`links the CUDA ${cudaMajor} runtime, cuBLAS and the driver dynamically, and otherwise only glibc and the C++ runtime`, () => {
    expect(manifest.gpt4all).toMatchObject({ variant: 'cuda', gpu: 'cuda', cudaMajor });
    const needed = neededLibraries(addon);
    // cuBLASLt comes with cuBLAS; the linker keeps it only when the addon calls it directly.
    const cuda = [`libcudart.so.${cudaMajor}`, `libcublas.so.${cudaMajor}`, 'libcuda.so.1'];
    const optional = [`libcublasLt.so.${cudaMajor}`];
    for (const library of cuda) expect(needed).toContain(library);
    expect(needed.filter((l) => !cuda.includes(l) && !optional.includes(l) && !systemLibraries.test(l))).toEqual([]);
  });

  it("also looks for the runtime where NVIDIA's Linux installers put it", () => {
    const runpath = execFileSync('readelf', ['-d', addon], { encoding: 'utf8' }).match(/\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]+)\]/)?.[1];
    expect(runpath?.split(':')).toEqual([`/usr/local/cuda-${cudaMajor}/lib64`, '/usr/local/cuda/lib64']);
  });

  it.skipIf(hasNvidiaDriver)('is passed over with a reason on a machine without an NVIDIA driver, and the CPU variant runs', async () => {
    const path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 31 });
    // The runtime libraries are there (the toolkit's), the driver is not: the probe must name
    // the driver's library, not crash.
    const env = {
      ...process.env,
      NODE_PATH: nodePathWithPlatformPackage('cuda'),
      LD_LIBRARY_PATH: [toolkitLib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      GPT4ALL_BACKEND: '',
      GPT4ALL_PROBE_CACHE: 'off',
    };
    const { asIs, pretended, info }: Inspection = JSON.parse(runNode(inspect, [path], env));

    expect(cudaAttempt(asIs)).toMatchObject({ outcome: 'skipped', failure: 'no-driver', packageName: '@gpt4all/core-linux-x64-cuda' });
    expect(cudaAttempt(asIs)?.reason).toMatch(/no NVIDIA driver/);
    expect(asIs.variant).toMatch(/^cpu-avx2?$/);
    // Never a silent fallback: the installed package that was passed over is named, with why.
    expect(asIs.warnings).toHaveLength(1);
    expect(asIs.warnings[0]).toMatch(/^@gpt4all\/core-linux-x64-cuda is installed but cannot be used: no NVIDIA driver.*Using cpu-avx2? instead/);

    expect(cudaAttempt(pretended)).toMatchObject({ outcome: 'failed', failure: 'missing-library' });
    expect(cudaAttempt(pretended)?.reason).toContain('libcuda.so.1 (the NVIDIA driver is not installed)');
    expect(pretended.variant).toBe(asIs.variant);
    expect(pretended.warnings).toHaveLength(1);
    expect(pretended.warnings[0]).toContain('@gpt4all/core-linux-x64-cuda is installed but cannot be used');

    expect(info.variant).toBe(asIs.variant);
    expect(cudaAttempt(info)).toMatchObject({ outcome: 'skipped', failure: 'no-driver' });
  });

  it.skipIf(hasNvidiaDriver || !hasToolkit)('loads with a driver that cannot serve it, says so, and when forced generates on the CPU exactly as cpu-avx2', async () => {
    const path = await ensureTestModel({ architecture: 'qwen2', vocab: 'qwen2', seed: 32 });
    const env = {
      ...process.env,
      NODE_PATH: nodePathWithPlatformPackage('cuda'),
      LD_LIBRARY_PATH: [driverThatFails(), toolkitLib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      GPT4ALL_PROBE_CACHE: 'off',
    };
    // The driver library is found now, so the probe gets past loading: the runtime's own error
    // must come back as the reason.
    const { pretended }: Inspection = JSON.parse(runNode(inspect, [path], { ...env, GPT4ALL_BACKEND: '' }));
    expect(cudaAttempt(pretended)).toMatchObject({ outcome: 'failed', failure: 'driver-too-old' });
    expect(cudaAttempt(pretended)?.reason).toContain('the NVIDIA driver is too old');

    const prompt = 'The quick brown fox';
    const cuda = JSON.parse(runNode(generate, [path, prompt], { ...env, GPT4ALL_BACKEND: 'cuda' }));
    const cpu = JSON.parse(runNode(generate, [path, prompt], { ...env, GPT4ALL_BACKEND: 'cpu-avx2' }));
    expect(cuda.variant).toBe('cuda');
    expect(cuda.devices.map((d: { kind: string }) => d.kind)).toEqual(['cpu']);
    expect(cpu.variant).toBe('cpu-avx2');
    expect(cuda.tokens).toEqual(cpu.tokens);
    expect(cuda.text).toBe(cpu.text);
    expect(new Set(cpu.tokens).size).toBeGreaterThan(6);
  });
});
