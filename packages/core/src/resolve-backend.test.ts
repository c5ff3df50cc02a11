import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuHints } from './gpu-hints.js';
import { BackendError, backendInfo, listDevices, resolveBackend } from './index.js';

const avx2Machine = /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
const allFeatures = 'avx,avx2,fma,f16c,bmi2';

describe('resolveBackend', () => {
  it('picks cpu-avx2 on a CPU with AVX2, FMA, F16C and BMI2', () => {
    // A machine without GPU drivers, whatever this one has (CI builds the Vulkan package).
    const hints = { ...gpuHints(), nvidiaDriver: { present: false, detail: 'no NVIDIA driver' }, vulkanLoader: { present: false, detail: 'no Vulkan loader' } };
    const resolution = resolveBackend({ env: { GPT4ALL_CPU_FEATURES: allFeatures }, hints, probeCache: null, warn: false });
    expect(resolution.variant).toBe('cpu-avx2');
    expect(resolution.packageName).toBe('@gpt4all/core-linux-x64-cpu-avx2');
    // GPU variants come first in the order and are skipped, each with its reason.
    expect(resolution.attempts.map((a) => a.variant)).toEqual(['cuda', 'vulkan', 'cpu-avx2']);
    expect(resolution.attempts[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^(not (installed|built)\b.*cuda|no NVIDIA driver)/) });
    expect(resolution.attempts[1]).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^(not (installed|built)\b.*vulkan|no Vulkan loader)/) });
  });

  it('picks cpu-avx when AVX2 is hidden', () => {
    const resolution = resolveBackend({ env: { GPT4ALL_CPU_FEATURES: 'avx' } });
    expect(resolution.variant).toBe('cpu-avx');
    expect(resolution.attempts.find((a) => a.variant === 'cpu-avx2')).toMatchObject({ outcome: 'skipped', reason: 'CPU lacks avx2, fma, f16c, bmi2' });
  });

  it('refuses a CPU without AVX with a clear error', () => {
    expect(() => resolveBackend({ env: { GPT4ALL_CPU_FEATURES: 'sse4_2' } })).toThrow(
      expect.objectContaining({ code: 'ERR_NO_BACKEND', message: expect.stringContaining('at least AVX') }),
    );
  });

  it('honours GPT4ALL_BACKEND and the backend option', () => {
    expect(resolveBackend({ env: { GPT4ALL_BACKEND: 'cpu-avx', GPT4ALL_CPU_FEATURES: allFeatures } })).toMatchObject({ variant: 'cpu-avx', reason: 'forced by GPT4ALL_BACKEND' });
    expect(resolveBackend({ backend: 'cpu-avx2', env: { GPT4ALL_BACKEND: 'cpu-avx', GPT4ALL_CPU_FEATURES: allFeatures } })).toMatchObject({ variant: 'cpu-avx2', reason: 'forced by the backend option' });
  });

  it('names the package to install when a forced variant is missing', () => {
    // As an application that installed only @gpt4all/core sees it: the built package in a child
    // process without pnpm's NODE_PATH, which would reach every workspace package (the GPU ones
    // too, where they are built).
    const env: NodeJS.ProcessEnv = { ...process.env, GPT4ALL_BACKEND: 'cuda', GPT4ALL_CPU_FEATURES: allFeatures };
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

  it('refuses to force a variant the CPU cannot run, or an unknown one', () => {
    expect(() => resolveBackend({ env: { GPT4ALL_BACKEND: 'cpu-avx2', GPT4ALL_CPU_FEATURES: 'avx' } })).toThrow(expect.objectContaining({ code: 'ERR_BACKEND_UNSUPPORTED' }));
    expect(() => resolveBackend({ env: { GPT4ALL_BACKEND: 'turbo-x' } })).toThrow(expect.objectContaining({ code: 'ERR_BACKEND_UNKNOWN' }));
  });

  it.runIf(avx2Machine)('chooses cpu-avx2 on this machine when nothing is forced', () => {
    expect(resolveBackend({ env: {} }).variant).toBe('cpu-avx2');
  });

  it('backendInfo reports the variant this process runs, which is the forced one in this project', () => {
    const info = backendInfo();
    expect(info.variant).toBe(process.env.GPT4ALL_BACKEND);
    expect(listDevices().some((d) => d.kind === 'cpu')).toBe(true);
  });
});
