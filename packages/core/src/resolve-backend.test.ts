import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gpuHints, type GpuHints } from './gpu-hints.js';
import { BackendError, backendInfo, listDevices, resolveBackend } from './index.js';

// A machine without GPU drivers, whatever this one has (CI builds the Vulkan package).
const noGpu: GpuHints = { ...gpuHints(), nvidiaDriver: { present: false, detail: 'no NVIDIA driver' }, vulkanLoader: { present: false, detail: 'no Vulkan loader' } };
const root = mkdtempSync(join(tmpdir(), 'gpt4all-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A node_modules with built platform packages of `platform` (their addons are never loaded here). */
function installed(name: string, platform: string, variants: string[]): string {
  const dir = join(root, name);
  for (const variant of variants) {
    const packageDir = join(dir, 'node_modules', '@gpt4all', `core-${platform}-${variant}`);
    mkdirSync(packageDir, { recursive: true });
    const gpu = variant === 'cuda' || variant === 'vulkan';
    // cpu-avx carries CPU levels only; its engine is cpu-avx2's (variants.json `engine`).
    const engine = variant === 'cpu-avx' ? 'cpu-avx2' : undefined;
    const main = engine ? undefined : `gpt4all.${platform}-${variant}.node`;
    if (main) writeFileSync(join(packageDir, main), '');
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: `@gpt4all/core-${platform}-${variant}`, version: '0.1.0', main, gpt4all: { variant, platform } }));
    const contents = {
      variant,
      ...(engine && { engine }),
      sharedLibraries: engine ? [] : ['ggml-base.dll', 'ggml.dll', 'llama.dll'],
      cpuLevels: gpu ? [] : [{ name: 'x', file: 'ggml-cpu-x.dll', features: [] }],
      backendModules: gpu ? [`ggml-${variant}.dll`] : [],
    };
    writeFileSync(join(packageDir, 'native.json'), JSON.stringify(contents));
  }
  return dir;
}
const packageDir = (dir: string, platform: string, variant: string) => join(dir, 'node_modules', '@gpt4all', `core-${platform}-${variant}`);

describe('resolveBackend', () => {
  it('prefers cpu-avx2 and lets the addon choose the CPU level from every installed CPU package', () => {
    const resolution = resolveBackend({ env: {}, hints: noGpu, probeCache: null, warn: false });
    expect(resolution.variant).toBe('cpu-avx2');
    expect(resolution.packageName).toBe('@gpt4all/core-linux-x64-cpu-avx2');
    // This package's levels first, then cpu-avx's.
    expect(resolution.cpuDirs).toEqual([dirname(resolution.binaryPath), resolve(__dirname, '../../core-linux-x64-cpu-avx')]);
    // The CPU package's one other module: llama.cpp's RPC backend.
    expect(resolution.modules).toEqual([join(dirname(resolution.binaryPath), 'libggml-rpc.so')]);
    // GPU variants come first in the order and are skipped, each with its reason.
    expect(resolution.attempts.map((a) => a.variant)).toEqual(['cuda', 'vulkan', 'cpu-avx2']);
    expect(resolution.attempts[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^(not (installed|built)\b.*cuda|no NVIDIA driver)/) });
    expect(resolution.attempts[1]).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^(not (installed|built)\b.*vulkan|no Vulkan loader)/) });
  });

  it('resolves on Windows x64 without reading any CPU flags (platform faked)', () => {
    const dir = installed('win32', 'win32-x64', ['cpu-avx', 'cpu-avx2']);
    const resolution = resolveBackend({ env: {}, platform: 'win32-x64', paths: [dir], hints: noGpu, probeCache: null, warn: false });
    expect(resolution).toMatchObject({ variant: 'cpu-avx2', packageName: '@gpt4all/core-win32-x64-cpu-avx2', platform: 'win32-x64' });
    expect(resolution.cpuDirs).toEqual([packageDir(dir, 'win32-x64', 'cpu-avx2'), packageDir(dir, 'win32-x64', 'cpu-avx')]);
    // cpu-avx runs on cpu-avx2's engine (its dependency), with its own levels only when forced.
    const forced = resolveBackend({ env: {}, backend: 'cpu-avx', platform: 'win32-x64', paths: [dir], hints: noGpu, probeCache: null, warn: false });
    expect(forced).toMatchObject({ variant: 'cpu-avx', engineVariant: 'cpu-avx2', binaryPath: join(packageDir(dir, 'win32-x64', 'cpu-avx2'), 'gpt4all.win32-x64-cpu-avx2.node') });
    expect(forced.cpuDirs).toEqual([packageDir(dir, 'win32-x64', 'cpu-avx')]);
    // Without its engine, cpu-avx cannot run, and says which package to install.
    const alone = installed('win32-avx', 'win32-x64', ['cpu-avx']);
    expect(() => resolveBackend({ env: {}, platform: 'win32-x64', paths: [alone], hints: noGpu, probeCache: null, warn: false })).toThrow(
      // The workspace's own (unbuilt) win32 engine package is in reach through NODE_PATH here.
      /cpu-avx: its (CPU levels run on the engine of|engine) @gpt4all\/core-win32-x64-cpu-avx2(, which is not installed \(npm install @gpt4all\/core-win32-x64-cpu-avx2\)| cannot run: not built)/,
    );
    expect(() => resolveBackend({ env: {}, backend: 'cpu-avx', platform: 'win32-x64', paths: [alone], hints: noGpu, probeCache: null })).toThrow(
      expect.objectContaining({ code: 'ERR_BACKEND_NOT_INSTALLED', packageName: '@gpt4all/core-win32-x64-cpu-avx' }),
    );
    // A forced GPU package takes its module from its own folder and the CPU code from the CPU packages'.
    const gpu = installed('win32-cuda', 'win32-x64', ['cuda', 'cpu-avx2']);
    const cuda = resolveBackend({ platform: 'win32-x64', backend: 'cuda', paths: [gpu], hints: noGpu, probeCache: null, warn: false });
    expect(cuda).toMatchObject({ variant: 'cuda', cpuDirs: [packageDir(gpu, 'win32-x64', 'cpu-avx2')], modules: [join(packageDir(gpu, 'win32-x64', 'cuda'), 'ggml-cuda.dll')] });
  });

  it('uses CPU modules only from CPU packages of the same version', () => {
    const dir = installed('win32-versions', 'win32-x64', ['cpu-avx', 'cpu-avx2']);
    const manifest = join(packageDir(dir, 'win32-x64', 'cpu-avx'), 'package.json');
    writeFileSync(manifest, JSON.stringify({ name: '@gpt4all/core-win32-x64-cpu-avx', version: '0.0.9', gpt4all: { variant: 'cpu-avx', platform: 'win32-x64' } }));
    const resolution = resolveBackend({ env: {}, platform: 'win32-x64', paths: [dir], hints: noGpu, probeCache: null, warn: false });
    expect(resolution.cpuDirs).toEqual([packageDir(dir, 'win32-x64', 'cpu-avx2')]);
    // Forced, cpu-avx is refused by its engine's check (sameVersion() plays no part there).
    expect(() => resolveBackend({ env: {}, backend: 'cpu-avx', platform: 'win32-x64', paths: [dir], hints: noGpu, probeCache: null })).toThrow(
      expect.objectContaining({
        code: 'ERR_BACKEND_NOT_INSTALLED',
        packageName: '@gpt4all/core-win32-x64-cpu-avx',
        message: expect.stringContaining('its engine @gpt4all/core-win32-x64-cpu-avx2 is version 0.1.0, not 0.0.9'),
      }),
    );
  });

  it('refuses a GPU package without a CPU package for the layers left on the CPU', () => {
    const dir = installed('cuda-alone', 'win32-x64', ['cuda']);
    expect(() => resolveBackend({ platform: 'win32-x64', backend: 'cuda', paths: [dir], hints: noGpu, probeCache: null })).toThrow(
      expect.objectContaining({ code: 'ERR_BACKEND_NOT_INSTALLED', packageName: '@gpt4all/core-win32-x64-cpu-avx2' }),
    );
  });

  it('honours GPT4ALL_BACKEND, the backend option and GPT4ALL_CPU_LEVEL; a forced CPU package uses only its own levels', () => {
    const avx = resolveBackend({ env: { GPT4ALL_BACKEND: 'cpu-avx' } });
    expect(avx).toMatchObject({ variant: 'cpu-avx', engineVariant: 'cpu-avx2', reason: 'forced by GPT4ALL_BACKEND' });
    expect(avx.cpuDirs).toEqual([resolve(__dirname, '../../core-linux-x64-cpu-avx')]);
    expect(dirname(avx.binaryPath)).toBe(resolve(__dirname, '../../core-linux-x64-cpu-avx2'));
    expect(resolveBackend({ backend: 'cpu-avx2', env: { GPT4ALL_BACKEND: 'cpu-avx' } })).toMatchObject({ variant: 'cpu-avx2', reason: 'forced by the backend option' });
    expect(resolveBackend({ env: { GPT4ALL_CPU_LEVEL: 'sse42' } }).cpuLevel).toBe('sse42');
    expect(resolveBackend({ cpuLevel: 'x64', env: { GPT4ALL_CPU_LEVEL: 'sse42' } }).cpuLevel).toBe('x64');
  });

  it('names the package to install when a forced variant is missing', () => {
    // As an application that installed only @gpt4all/core sees it: the built package in a child
    // process without pnpm's NODE_PATH, which would reach every workspace package (the GPU ones
    // too, where they are built).
    const env: NodeJS.ProcessEnv = { ...process.env, GPT4ALL_BACKEND: 'cuda' };
    delete env.NODE_PATH;
    const script = `
      const { resolveBackend } = require(${JSON.stringify(resolve(__dirname, '../dist/index.cjs'))});
      try { resolveBackend(); } catch (error) {
        console.log(JSON.stringify({ name: error.name, code: error.code, packageName: error.packageName, message: error.message }));
      }`;
    const error = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }));
    expect(error).toMatchObject({ name: 'BackendError', code: 'ERR_BACKEND_NOT_INSTALLED', packageName: '@gpt4all/core-linux-x64-cuda' });
    expect(error.message).toContain('npm install @gpt4all/core-linux-x64-cuda');
  });

  it('refuses an unknown variant, and one not built for the platform', () => {
    expect(() => resolveBackend({ env: { GPT4ALL_BACKEND: 'turbo-x' } })).toThrow(expect.objectContaining({ code: 'ERR_BACKEND_UNKNOWN' }));
    expect(() => resolveBackend({ backend: 'metal' })).toThrow(expect.objectContaining({ code: 'ERR_BACKEND_UNSUPPORTED' }));
  });

  it('backendInfo reports the variant and the CPU level this process runs, and why', () => {
    const info = backendInfo();
    expect(info.variant).toBe(process.env.GPT4ALL_BACKEND);
    expect(info.cpu).toBeDefined();
    const { level, reason, candidates, features } = info.cpu!;
    // The level that runs is one this CPU can run, and none installed scores higher.
    const chosen = candidates.find((c) => c.name === level)!;
    expect(chosen.score).toBeGreaterThan(0);
    expect(Math.max(...candidates.map((c) => c.score))).toBe(chosen.score);
    expect(reason).toContain(level);
    expect(features.length).toBeGreaterThan(0);
    expect(listDevices().some((d) => d.kind === 'cpu')).toBe(true);
  });

  it('a forced CPU level the installed packages lack is a BackendError', () => {
    const script = `
      const { loadModel } = require(${JSON.stringify(resolve(__dirname, '../dist/index.cjs'))});
      loadModel('/nonexistent.gguf').catch((error) => console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })));`;
    const error = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, GPT4ALL_CPU_LEVEL: 'pentium4' }, encoding: 'utf8' }));
    expect(error).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringContaining("CPU level 'pentium4' is not installed") });
    expect(BackendError.isInstance(new BackendError('ERR_NO_BACKEND', 'x'))).toBe(true);
  });

  it('forces a CPU level through loadModel, once per process', () => {
    const script = `
      const { loadModel, backendInfo } = require(${JSON.stringify(resolve(__dirname, '../dist/index.cjs'))});
      (async () => {
        await loadModel('/nonexistent.gguf', { cpuLevel: 'x64' }).catch(() => {});
        const level = backendInfo().cpu.level;
        const late = await loadModel('/nonexistent.gguf', { cpuLevel: 'sse42' }).catch((error) => ({ name: error.name, code: error.code, message: error.message }));
        console.log(JSON.stringify({ level, late }));
      })();`;
    const env: NodeJS.ProcessEnv = { ...process.env, GPT4ALL_BACKEND: '' };
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }));
    expect(out.level).toBe('x64');
    expect(out.late).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringContaining('CPU level x64 is loaded already') });
  });

  it('passes over a truncated CPU module with a warning instead of crashing in the loader', () => {
    // An application whose node_modules holds copies of the built packages, with this machine's
    // best level cut short, as a broken download leaves it.
    const app = join(root, 'truncated');
    const copy = (from: string, to: string, keep: RegExp) => {
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(from).filter((f) => keep.test(f))) cpSync(join(from, file), join(to, file), { recursive: true });
    };
    copy(resolve(__dirname, '..'), join(app, 'node_modules/@gpt4all/core'), /^(dist|package\.json)$/);
    copy(resolve(__dirname, '../../errors'), join(app, 'node_modules/@gpt4all/errors'), /^(dist|package\.json)$/);
    for (const variant of ['cpu-avx', 'cpu-avx2']) {
      copy(resolve(__dirname, `../../core-linux-x64-${variant}`), packageDir(app, 'linux-x64', variant), /\.(node|so(\.\d+)?)$|^(native|package)\.json$/);
    }
    const best = backendInfo().cpu!.level;
    const victim = [packageDir(app, 'linux-x64', 'cpu-avx'), packageDir(app, 'linux-x64', 'cpu-avx2')].map((d) => join(d, `libggml-cpu-${best}.so`)).find((f) => existsSync(f))!;
    truncateSync(victim, 4096);
    const script = `
      process.on('warning', (w) => w.code === 'GPT4ALL_CPU_LEVEL_BROKEN' && console.error('WARNING ' + w.message));
      const { backendInfo } = require('@gpt4all/core');
      const { level, candidates } = backendInfo().cpu;
      console.log(JSON.stringify({ level, broken: candidates.filter((c) => c.error) }));`;
    const env: NodeJS.ProcessEnv = { ...process.env, GPT4ALL_BACKEND: '', GPT4ALL_PROBE_CACHE: 'off' };
    delete env.NODE_PATH;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.level).not.toBe(best);
    expect(out.broken).toEqual([expect.objectContaining({ name: best, score: 0, error: expect.stringContaining('truncated: 4096 bytes') })]);
    expect(run.stderr).toContain(`WARNING ${victim} could not be opened (truncated: 4096 bytes`);
  });
});
