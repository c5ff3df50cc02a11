// Runs the built `gpt4all-doctor` bin as a user would, on this machine and on a fake one with an
// NVIDIA driver and a CUDA package whose runtime library is missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gpuHints } from './gpu-hints.js';

const doctorBin = resolve(__dirname, '../dist/doctor.js');
const root = mkdtempSync(join(tmpdir(), 'gpt4all-doctor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function doctor(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  // The test projects force a variant; the doctor must show the automatic choice.
  delete base.GPT4ALL_BACKEND;
  const run = spawnSync(process.execPath, [doctorBin, ...args], { encoding: 'utf8', env: { ...base, GPT4ALL_PROBE_CACHE: 'off', ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('gpt4all-doctor', () => {
  it('says what the machine has, what runs, and how to get GPU support', () => {
    const { status, stdout, stderr } = doctor([]);
    expect(status, stderr).toBe(0);
    expect(stdout).toContain('platform       linux-x64');
    expect(stdout).toMatch(/CPU features   sse42\b.* \(cpuid, with the OS's register state\)/);
    expect(stdout).toMatch(/cpu-avx2 +CPU, installed by default +0\.1\.0, [\d.]+ MiB\n +CPU levels: \w+/);
    expect(stdout).toMatch(/cpu-avx +CPU, installed by default +0\.1\.0, [\d.]+ MiB\n +CPU levels: x64, sse42/);
    expect(stdout).toContain('chosen: cpu-avx2 (@gpt4all/core-linux-x64-cpu-avx2): the CPU package preferred for this platform; ggml picks the CPU level');
    // Which CPU level runs and why, with every level's score.
    expect(stdout).toMatch(/CPU level: (\w+): the highest ggml_backend_score\(\) of the levels this CPU can run/);
    expect(stdout).toMatch(/ {4}score \d+ +x64\n/);
    expect(stdout).toMatch(/Devices \(cpu-avx2\)\n {2}CPU: .+ \(cpu, CPU, [\d.]+ GiB free of [\d.]+ GiB\)/);
    const hints = gpuHints(process.env);
    if (!hints.nvidiaDriver.present && !hints.vulkanLoader.present) {
      // A machine without any GPU driver, like CI: the advice names both routes to a GPU.
      expect(stdout).toContain(`NVIDIA driver  ${hints.nvidiaDriver.detail}`);
      expect(stdout).toContain('For GPU acceleration on this machine: install a GPU driver');
      expect(stdout).toContain('`npm install @gpt4all/core-linux-x64-cuda`');
      expect(stdout).toContain('`npm install @gpt4all/core-linux-x64-vulkan`');
    }
  });

  it('shows why an installed CUDA package cannot be used, with the probe in a child process', () => {
    // A fake NVIDIA user-space driver and a CUDA package that fails the way a missing runtime does.
    const libraries = join(root, 'lib');
    mkdirSync(libraries, { recursive: true });
    writeFileSync(join(libraries, 'libcuda.so.1'), '');
    const packageDir = join(root, 'node_modules/@gpt4all/core-linux-x64-cuda');
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: '@gpt4all/core-linux-x64-cuda', version: '0.1.0', main: 'addon.js' }));
    writeFileSync(join(packageDir, 'addon.js'), `throw new Error('libcudart.so.13: cannot open shared object file: No such file or directory');`);
    const { status, stdout, stderr } = doctor(['doctor'], { NODE_PATH: join(root, 'node_modules'), LD_LIBRARY_PATH: libraries });
    expect(status, stderr).toBe(0);
    expect(stdout).toContain(`NVIDIA driver  yes: libcuda.so.1 found (${join(libraries, 'libcuda.so.1')})`);
    expect(stdout).toMatch(/cuda +GPU, opt-in \(cuda\) +0\.1\.0, 0\.0 MiB/);
    expect(stdout).toContain('failed   cuda      missing library libcudart.so.13 (the CUDA 13 runtime');
    expect(stdout).toContain('- @gpt4all/core-linux-x64-cuda is installed but unusable: missing library libcudart.so.13');
    expect(stdout).toContain('chosen: cpu-avx2');
    // The doctor explains; it does not also print the process warning.
    expect(stderr).not.toContain('GPT4ALL_GPU_UNUSABLE');
  });

  it('prints its findings as JSON, and fails when the CPU code cannot load', () => {
    const json = doctor(['--json']);
    expect(json.status).toBe(0);
    const findings = JSON.parse(json.stdout);
    expect(findings.resolution).toMatchObject({ variant: 'cpu-avx2', platform: 'linux-x64' });
    expect(findings.installed['cpu-avx2']).toMatchObject({ version: findings.coreVersion });
    expect(findings.installed['cpu-avx2'].missing).toBeUndefined();
    // cpu-avx carries CPU levels only, and runs on cpu-avx2's addon.
    expect(findings.installed['cpu-avx']).toMatchObject({ binaryPath: findings.installed['cpu-avx2'].binaryPath, contents: { engine: 'cpu-avx2', sharedLibraries: [] } });

    expect(findings.cpu).toMatchObject({ level: expect.any(String), candidates: expect.arrayContaining([expect.objectContaining({ name: 'x64' })]) });

    const missing = doctor([], { GPT4ALL_CPU_LEVEL: 'pentium4' });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain("could not list devices: no usable backend: CPU level 'pentium4' is not installed");
    expect(doctor(['--help']).stdout).toContain('usage: gpt4all-doctor');
  });

  it('--rpc checks RPC workers: lists the devices of one that answers, and fails for one that does not', async () => {
    const port = 20000 + (process.pid % 20000);
    const code = `import(${JSON.stringify(resolve(__dirname, '../dist/index.js'))}).then((c) => c.serveRpcWorker({ port: ${port}, threads: 1 }))`;
    const worker = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      while (!/transport\s*:/.test(output)) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const answered = await new Promise<{ status: number | null; stdout: string }>((done) => {
        const run = spawn(process.execPath, [doctorBin, '--rpc', `127.0.0.1:${port},127.0.0.1:1`], { env: { ...process.env, GPT4ALL_PROBE_CACHE: 'off' } });
        let stdout = '';
        run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        run.on('close', (status) => done({ status, stdout }));
      });
      expect(answered.stdout).toMatch(new RegExp(`RPC workers\\n  127\\.0\\.0\\.1:${port}: RPC\\d+, [\\d.]+ GiB free of [\\d.]+ GiB`));
      expect(answered.stdout).toMatch(/127\.0\.0\.1:1: UNAVAILABLE: .*connection refused/);
      expect(answered.status).toBe(1);
    } finally {
      worker.kill('SIGKILL');
    }
  });
});
