// The GPU side of the resolver, on fake platform packages in a temporary node_modules: each
// probe is a real child process that loads the fake package's main file (a JS file that fails
// the way the dynamic loader does, or a real CPU addon posing as a GPU package).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify, probeAddon } from './backend-probe.js';
import { probeCacheKey, probeCachePath } from './backend-probe-cache.js';
import { gpuHints } from './gpu-hints.js';
import type { GpuHints } from './gpu-hints.js';
import { resolveBackend } from './resolve-backend.js';

const realCpuAddon = resolve(__dirname, '../../core-linux-x64-cpu-avx2/gpt4all.linux-x64-cpu-avx2.node');
const root = mkdtempSync(join(tmpdir(), 'gpt4all-probe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const machine: GpuHints = {
  nvidiaDriver: { present: true, version: '580.95.05', detail: 'NVIDIA kernel driver 580.95.05 (test)' },
  vulkanLoader: { present: true, detail: 'libvulkan.so.1 found (test)' },
  renderNodes: ['/dev/dri/renderD128'],
  cpuModel: 'Test CPU',
  librariesStamp: 'test-1',
};

/**
 * A fake platform package whose main file is `main` (JS source, with a `loadBackends` that does
 * nothing added), or a copy of a real addon with the libraries and modules beside it.
 */
function fakePackage(dir: string, variant: string, main: { js: string } | { copyOf: string }): void {
  const packageDir = join(dir, 'node_modules', '@gpt4all', `core-linux-x64-${variant}`);
  mkdirSync(packageDir, { recursive: true });
  const file = 'js' in main ? 'addon.js' : `gpt4all.linux-x64-${variant}.node`;
  if ('js' in main) writeFileSync(join(packageDir, file), `exports.loadBackends = () => ({});\n${main.js}`);
  else {
    copyFileSync(main.copyOf, join(packageDir, file));
    const source = dirname(main.copyOf);
    for (const name of readdirSync(source).filter((n) => /\.so(\.\d+)?$|^native\.json$/.test(n))) copyFileSync(join(source, name), join(packageDir, name));
  }
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: `@gpt4all/core-linux-x64-${variant}`, version: '0.1.0', main: file }));
}

function layout(name: string, packages: Record<string, { js: string } | { copyOf: string }>): string {
  const dir = join(root, name);
  for (const [variant, main] of Object.entries(packages)) fakePackage(dir, variant, main);
  return dir;
}

const missingCudart = { js: `throw new Error('libcudart.so.13: cannot open shared object file: No such file or directory');` };
const cpuAddon = { copyOf: realCpuAddon };
const fakeGpu = {
  js: `exports.variant = () => 'cuda';
exports.setLogHandler = () => {};
exports.listDevices = () => [
  { name: 'CUDA0', description: 'Fake RTX 4090', kind: 'gpu', backend: 'CUDA', memoryTotal: 24e9, memoryFree: 23e9 },
  { name: 'CPU', description: 'Test CPU', kind: 'cpu', backend: 'CPU', memoryTotal: 0, memoryFree: 0 },
];`,
};

describe.runIf(process.platform === 'linux' && process.arch === 'x64' && existsSync(realCpuAddon))('GPU variants on fake packages', () => {
  it('passes over an installed GPU package that cannot load or finds no GPU, says why, and warns once', () => {
    const dir = layout('unusable', { cuda: missingCudart, vulkan: cpuAddon, 'cpu-avx2': cpuAddon });
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warning.code === 'GPT4ALL_GPU_UNUSABLE' && warnings.push(warning.message);
    process.on('warning', onWarning);
    const options = { paths: [dir], hints: machine, probeCache: join(dir, 'probe.json'), env: {} };
    const first = resolveBackend(options);
    const second = resolveBackend(options);
    return new Promise<void>((done) => setImmediate(done)).then(() => {
      process.off('warning', onWarning);
      expect(first.variant).toBe('cpu-avx2');
      expect(first.attempts.slice(0, 2)).toEqual([
        expect.objectContaining({ variant: 'cuda', outcome: 'failed', failure: 'missing-library', cached: false, version: '0.1.0', reason: expect.stringContaining('missing library libcudart.so.13 (the CUDA 13 runtime') }),
        expect.objectContaining({ variant: 'vulkan', outcome: 'failed', failure: 'no-device', cached: false, reason: 'no GPU device found (the addon loaded and lists only: CPU)' }),
      ]);
      expect(first.warnings).toHaveLength(2);
      expect(first.warnings[0]).toMatch(/^@gpt4all\/core-linux-x64-cuda is installed but cannot be used: missing library libcudart\.so\.13.*Using cpu-avx2 instead/);
      // The second start reads the cache and warns no more: one warning per package per process.
      expect(second.attempts.slice(0, 2).map((a) => a.cached)).toEqual([true, true]);
      expect(second.attempts.map((a) => a.reason)).toEqual(first.attempts.map((a) => a.reason));
      expect(warnings).toEqual(first.warnings);
    });
  });

  it('re-probes when the libraries the loader sees change, and not otherwise', () => {
    const dir = layout('stamp', { cuda: missingCudart, 'cpu-avx2': cpuAddon });
    const options = { paths: [dir], probeCache: join(dir, 'probe.json'), env: {}, warn: false };
    const cudaOf = (hints: GpuHints) => resolveBackend({ ...options, hints }).attempts[0];
    expect(cudaOf(machine)).toMatchObject({ variant: 'cuda', cached: false });
    expect(cudaOf(machine)).toMatchObject({ variant: 'cuda', cached: true });
    expect(cudaOf({ ...machine, librariesStamp: 'test-2' })).toMatchObject({ variant: 'cuda', cached: false });
    expect(cudaOf({ ...machine, nvidiaDriver: { ...machine.nvidiaDriver, version: '590.12' } })).toMatchObject({ variant: 'cuda', cached: false });
    const cache = JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8'));
    // Only the fake CUDA package's entries: a real GPU package built in this workspace (CI builds
    // Vulkan) stays resolvable through pnpm's NODE_PATH and is probed too.
    const cudaEntries = Object.values(cache.entries as Record<string, { packageName: string }>).filter((e) => e.packageName.endsWith('-cuda'));
    expect(cudaEntries).toHaveLength(3);
    expect(cudaEntries[0]).toMatchObject({ packageName: '@gpt4all/core-linux-x64-cuda', version: '0.1.0', result: { ok: false, failure: 'missing-library' } });
  });

  it('skips CUDA without probing when no NVIDIA driver is present, and Vulkan without a loader', () => {
    const dir = layout('no-driver', { cuda: missingCudart, vulkan: cpuAddon, 'cpu-avx2': cpuAddon });
    const hints: GpuHints = {
      ...machine,
      nvidiaDriver: { present: false, detail: 'no NVIDIA driver: no /proc/driver/nvidia/version and no libcuda.so.1 for the dynamic loader' },
      vulkanLoader: { present: false, detail: 'no Vulkan loader: libvulkan.so.1 is not installed (Debian/Ubuntu: apt install libvulkan1)' },
    };
    const resolution = resolveBackend({ paths: [dir], hints, probeCache: join(dir, 'probe.json'), env: {}, warn: false });
    expect(resolution.attempts.slice(0, 2)).toEqual([
      expect.objectContaining({ variant: 'cuda', outcome: 'skipped', failure: 'no-driver', reason: hints.nvidiaDriver.detail }),
      expect.objectContaining({ variant: 'vulkan', outcome: 'skipped', failure: 'no-loader', reason: hints.vulkanLoader.detail }),
    ]);
    expect(resolution.warnings[0]).toContain('@gpt4all/core-linux-x64-cuda is installed but cannot be used: no NVIDIA driver');
    // Nothing was probed, so nothing was cached.
    expect(existsSync(join(dir, 'probe.json'))).toBe(false);
  });

  it('passes over the CUDA package without probing when the kernel driver is older than its CUDA needs', () => {
    const dir = layout('old-driver', { cuda: fakeGpu, 'cpu-avx2': cpuAddon });
    const hints: GpuHints = { ...machine, nvidiaDriver: { present: true, version: '550.54.14', detail: 'NVIDIA kernel driver 550.54.14 (test)' } };
    const resolution = resolveBackend({ paths: [dir], hints, probeCache: join(dir, 'probe.json'), env: {}, warn: false });
    expect(resolution.variant).toBe('cpu-avx2');
    expect(resolution.attempts[0]).toMatchObject({
      variant: 'cuda',
      outcome: 'skipped',
      failure: 'driver-too-old',
      reason: 'NVIDIA driver 550.54.14 is too old: CUDA 13 needs 580 or newer; update the driver',
    });
    // 'skipped', not 'failed': no child process was spent on it.
    expect(resolution.warnings[0]).toContain('NVIDIA driver 550.54.14 is too old');
  });

  it('selects a GPU package whose probe lists a GPU', () => {
    const dir = layout('gpu', { cuda: fakeGpu, 'cpu-avx2': cpuAddon });
    const resolution = resolveBackend({ paths: [dir], hints: machine, probeCache: null, env: {}, warn: false });
    expect(resolution).toMatchObject({ variant: 'cuda', reason: 'a cuda device is available', warnings: [] });
    expect(resolution.binaryPath).toBe(join(dir, 'node_modules/@gpt4all/core-linux-x64-cuda/addon.js'));
  });

  it('reports an addon that kills its process as crashed', () => {
    const dir = layout('crash', { vulkan: { js: `process.kill(process.pid, 'SIGSEGV');` } });
    const result = probeAddon(join(dir, 'node_modules/@gpt4all/core-linux-x64-vulkan/addon.js'));
    expect(result).toMatchObject({ ok: false, failure: 'crashed', reason: expect.stringContaining('SIGSEGV') });
  });

  it("carries the runtime's own explanation when an addon loads but finds no GPU", () => {
    // Like the real addon: log lines reach the handler later, through the event loop.
    const logging = (line: string) => ({
      js: `let handler;
exports.setLogHandler = (level, callback) => { handler = callback; };
exports.listDevices = () => {
  setImmediate(() => handler?.(['error', ${JSON.stringify(line)}]));
  return [{ name: 'CPU', description: 'Test CPU', kind: 'cpu', backend: 'CPU', memoryTotal: 0, memoryFree: 0 }];
};`,
    });
    const dir = layout('explained', {
      cuda: logging('ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected'),
      vulkan: logging('ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version'),
    });
    const noDevice = probeAddon(join(dir, 'node_modules/@gpt4all/core-linux-x64-cuda/addon.js'));
    expect(noDevice).toMatchObject({ ok: false, failure: 'no-device' });
    expect(noDevice.reason).toBe('no GPU device found (the addon loaded and lists only: CPU; ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected)');
    const tooOld = probeAddon(join(dir, 'node_modules/@gpt4all/core-linux-x64-vulkan/addon.js'));
    expect(tooOld).toMatchObject({ ok: false, failure: 'driver-too-old' });
  });

  it('lists the devices of a real addon in the child', () => {
    const result = probeAddon(realCpuAddon, { cpuDirs: [dirname(realCpuAddon)], modules: [] });
    expect(result).toMatchObject({ ok: false, failure: 'no-device' });
    expect(result.devices).toEqual([expect.objectContaining({ kind: 'cpu', backend: 'CPU' })]);
  });
});

describe('classify', () => {
  it('names the missing library and what provides it', () => {
    expect(classify('Error: libvulkan.so.1: cannot open shared object file: No such file or directory')).toEqual({
      failure: 'missing-library',
      reason: 'missing library libvulkan.so.1 (the Vulkan loader: apt install libvulkan1)',
    });
    expect(classify('\\\\?\\C:\\x\\gpt4all.win32-x64-cuda.node: The specified module could not be found.')?.failure).toBe('missing-library');
  });

  it('recognises a driver older than the CUDA runtime, and an old C library', () => {
    expect(classify('ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version')?.failure).toBe('driver-too-old');
    expect(classify("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found")).toEqual({ failure: 'load-failed', reason: 'the system C/C++ library is too old (needs GLIBC_2.38)' });
    expect(classify('something else entirely')).toBeUndefined();
  });
});

describe('probeCachePath', () => {
  it.runIf(process.platform === 'linux')('follows XDG_CACHE_HOME when absolute, and GPT4ALL_PROBE_CACHE over everything', () => {
    expect(probeCachePath({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/gpt4all/backend-probe.json');
    expect(probeCachePath({ XDG_CACHE_HOME: 'relative' })).toMatch(/\/\.cache\/gpt4all\/backend-probe\.json$/);
    expect(probeCachePath({ GPT4ALL_PROBE_CACHE: '/tmp/p.json', XDG_CACHE_HOME: '/x' })).toBe('/tmp/p.json');
    expect(probeCachePath({ GPT4ALL_PROBE_CACHE: 'off' })).toBeUndefined();
  });
});

describe('probe cache key', () => {
  it('changes with the variables that select GPU devices', () => {
    const key = { packageName: '@gpt4all/core-linux-x64-vulkan', version: '0.1.0', binaryPath: '/nonexistent.node', hints: gpuHints() };
    const saved = process.env.GGML_VK_VISIBLE_DEVICES;
    try {
      delete process.env.GGML_VK_VISIBLE_DEVICES;
      const plain = probeCacheKey(key);
      expect(probeCacheKey(key)).toBe(plain);
      process.env.GGML_VK_VISIBLE_DEVICES = '0';
      expect(probeCacheKey(key)).not.toBe(plain);
    } finally {
      if (saved === undefined) delete process.env.GGML_VK_VISIBLE_DEVICES;
      else process.env.GGML_VK_VISIBLE_DEVICES = saved;
    }
  });
});
