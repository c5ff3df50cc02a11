// The linux-arm64 package, cross-built on linux-x64 (the global setup runs
// `pnpm build:native --variant cpu-arm --platform linux-arm64`) and run under QEMU's user-mode
// emulation with an arm64 Node.js from npm (scripts/setup-arm64-cross.sh). QEMU answers the Arm
// ID registers for the CPU model it emulates, so each model must get the best of ggml's Linux Arm
// levels that it has; on an Armv8.0 Cortex-A57 that is armv8.0_1, and the greedy output must
// equal llama.cpp's llama-completion built for -march=armv8-a and run the same way.
import { ensureTestModel } from '@gpt4all/test-models';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { arm64Node, arm64PackageDir, crossBuildsArm64 } from './support/arm64.js';
import { generationScript, parseOutcome, runLlamaCompletion, type ChildOutcome } from './support/child-generation.js';
import { llamaToolsBin } from './support/llama-tools.js';

const qemu = '/usr/bin/qemu-aarch64-static';
// The arm64 glibc and libstdc++ of Debian's cross toolchain.
const sysroot = '/usr/aarch64-linux-gnu';
const spec = { prompt: 'Once upon a time, in a land far away,', maxTokens: 24, contextSize: 128, threads: 2 };
const script = generationScript(spec);

/** Generates in an arm64 Node.js under QEMU emulating `cpu`. */
function generateOn(cpu: string, model: string, env: Record<string, string> = {}): ChildOutcome {
  const child = spawnSync(qemu, ['-L', sysroot, '-cpu', cpu, arm64Node(), '-e', script, model], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, GPT4ALL_BACKEND: '', GPT4ALL_CPU_LEVEL: '', ...env },
  });
  // A signal (SIGILL) is exactly the failure this test exists for.
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return parseOutcome(child.stdout);
}

/** ELF e_machine of a file: 183 is EM_AARCH64. */
function elfMachine(path: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return header.readUInt16LE(18);
}

describe.runIf(crossBuildsArm64)('linux-arm64 package under qemu-aarch64', () => {
  let model: string;
  let reference: string;

  beforeAll(async () => {
    model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 31 });
    reference = join(llamaToolsBin({ cpuLevel: 'armv8.0_1', platform: 'linux-arm64' }, ['llama-completion']), 'llama-completion');
  }, 1_800_000);

  it('carries arm64 code only: the addon, the libraries and each Arm CPU level', () => {
    const contents = JSON.parse(readFileSync(join(arm64PackageDir, 'native.json'), 'utf8')) as { sharedLibraries: string[]; cpuLevels: { name: string }[] };
    const levels = contents.cpuLevels.map((l) => l.name);
    // Every Arm level (GPT4ALL_CPU_LEVELS=host or all), or .ci/run's set (ci): at least those the
    // emulated CPUs below run.
    expect(levels).toEqual(expect.arrayContaining(['armv8.0_1', 'armv8.2_2', 'armv8.6_2']));
    if (process.env.GPT4ALL_CPU_LEVELS !== 'ci') expect(levels).toEqual(expect.arrayContaining(['armv8.2_1', 'armv8.2_3', 'armv8.6_1']));
    const files = ['gpt4all.linux-arm64-cpu-arm.node', ...contents.sharedLibraries, ...contents.cpuLevels.map((l) => `libggml-cpu-${l.name}.so`)];
    for (const file of files) expect(elfMachine(join(arm64PackageDir, file)), file).toBe(183);
  });

  it('on an Armv8.0 CPU (Cortex-A57) runs armv8.0_1 and generates greedily what llama-completion (-march=armv8-a) does', () => {
    const ours = generateOn('cortex-a57', model);
    expect(ours.error).toBeUndefined();
    expect(ours).toMatchObject({ platform: 'linux-arm64', variant: 'cpu-arm', level: 'armv8.0_1' });
    // Every other level needs a feature the Cortex-A57 lacks: ggml scores it 0.
    expect(ours.candidates!.filter((c) => c.score > 0).map((c) => c.name)).toEqual(['armv8.0_1']);
    const theirs = runLlamaCompletion([qemu, '-L', sysroot, '-cpu', 'cortex-a57', reference], model, spec);
    expect(ours.text!.length).toBeGreaterThan(10);
    expect(ours.text).toBe(theirs);
  });

  it.each([
    // Armv8.2 with dot product and FP16 (Raspberry Pi 5, Graviton2).
    ['cortex-a76', 'armv8.2_2'],
    // QEMU's every feature: SVE2 and int8 matrix multiply, the best level the package carries.
    ['max', 'armv8.6_2'],
  ])('on %s picks %s, the best level it has, and generates', (cpu, level) => {
    const ours = generateOn(cpu, model);
    expect(ours.error).toBeUndefined();
    expect(ours.level).toBe(level);
    expect(ours.text!.length).toBeGreaterThan(10);
  });

  it('refuses, with a typed error, a level the CPU cannot run', () => {
    const forced = generateOn('cortex-a57', model, { GPT4ALL_CPU_LEVEL: 'armv8.2_2' });
    expect(forced.error).toMatchObject({ name: 'BackendError', code: 'ERR_NO_BACKEND', message: expect.stringContaining("this CPU cannot run CPU level 'armv8.2_2'") });
  });
});
