// The platform packages' promises, checked on the built files: the engine (cpu-avx2's package)
// needs nothing beyond glibc, the C++ runtime and its own libraries; the addon and llama.cpp's
// shared libraries hold only baseline x86-64 code, so loading them never crashes a CPU; cpu-avx
// carries its CPU levels and no second engine; and each CPU level module holds no instruction its
// level lacks (that would be an illegal-instruction crash, not an error).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/llama-tools.js';

const variants = ['cpu-avx', 'cpu-avx2'];
const packageDir = (variant: string) => join(repoRoot, `packages/core-linux-x64-${variant}`);
const binary = (variant: string) => join(packageDir(variant), `gpt4all.linux-x64-${variant}.node`);
const contents = (variant: string) =>
  JSON.parse(readFileSync(join(packageDir(variant), 'native.json'), 'utf8')) as { engine?: string; sharedLibraries: string[]; cpuLevels: { name: string; file: string; features: string[] }[]; backendModules: string[] };
const manifest = (variant: string) => JSON.parse(readFileSync(join(packageDir(variant), 'package.json'), 'utf8'));
const systemLibraries = /^(linux-vdso\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libm\.so\.6|libc\.so\.6|\/lib64\/ld-linux-x86-64\.so\.2)$/;

/** Instructions by the feature that introduced them (AT&T mnemonics as objdump prints them). */
const instructions: Record<string, RegExp> = {
  sse42: /\t(pcmpestr|pcmpistr|crc32|popcnt|ptest|pblendvb|blendvp|pmaxs[bd]|pmins[bd]|pmaxu[wd]|pminu[wd]|round[ps][sd]|dpp[sd]|pextr[bdq]|pinsr[bdq]|pmovsx|pmovzx|pmuldq|pmulld|packusdw|pcmpeqq|pcmpgtq|insertps|extractps)\w*\s/,
  // Every VEX- or EVEX-encoded instruction is spelled with a leading v (verr/verw are older).
  avx: /\tv(?!er[rw]\s)\w+\s/,
  fma: /\tv(fn?m(add|sub)(sub|add)?\d{3}[ps][sd])\s/,
  f16c: /\tvcvt(ph2ps|ps2ph)\s/,
  bmi2: /\t(shlx|sarx|shrx|pdep|pext|bzhi|mulx|rorx)\s/,
  avx2: /\tv(pbroadcast[bwdq]|perm[dq]|permps|pgather|gatherd|gatherq|psllv|psrlv|psrav|inserti128|extracti128)\w*\s/,
  avx512: /%zmm|%k[1-7]/,
};

function instructionCounts(file: string): Record<string, number> {
  const disassembly = execFileSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const counts = Object.fromEntries(Object.keys(instructions).map((k) => [k, 0]));
  for (const line of disassembly.split('\n')) {
    for (const [feature, pattern] of Object.entries(instructions)) if (pattern.test(line)) counts[feature]!++;
  }
  return counts;
}
/** The addon, the C ABI library and llama.cpp's shared libraries: code that runs on any CPU. */
const baselineFiles = (variant: string) => [binary(variant), join(packageDir(variant), 'libgpt4all.so'), ...contents(variant).sharedLibraries.map((f) => join(packageDir(variant), f))];
const none = Object.fromEntries(Object.keys(instructions).map((k) => [k, 0]));

describe('cpu-avx platform package', () => {
  it('carries its CPU levels only, and depends on the package whose engine runs them', () => {
    expect(contents('cpu-avx')).toMatchObject({ engine: 'cpu-avx2', sharedLibraries: [], backendModules: [] });
    expect(readdirSync(packageDir('cpu-avx')).filter((f) => /\.(node|so)$/.test(f)).sort()).toEqual(contents('cpu-avx').cpuLevels.map((l) => l.file).sort());
    expect(manifest('cpu-avx').main).toBeUndefined();
    expect(manifest('cpu-avx').dependencies).toEqual({ '@gpt4all/core-linux-x64-cpu-avx2': 'workspace:*' });
    expect(manifest('cpu-avx').files).toEqual(expect.arrayContaining(['native.json', '*.so']));
  });
});

describe('cpu-avx2 platform package (the engine)', () => {
  const variant = 'cpu-avx2';
  it('depends only on glibc, the C++ runtime and its own libraries', () => {
    for (const file of baselineFiles(variant)) {
      const libraries = execFileSync('ldd', [file], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((l) => l[0]);
      const foreign = libraries.filter(([name, , path]) => !systemLibraries.test(name!) && path !== join(packageDir(variant), name!));
      expect(foreign, file).toEqual([]);
    }
  });

  it('is the build its package.json names, and ships what native.json lists', () => {
    const { main, files } = manifest(variant);
    expect(main).toBe(`gpt4all.linux-x64-${variant}.node`);
    expect(manifest(variant)).toMatchObject({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] });
    expect(files).toEqual(expect.arrayContaining([main, 'native.json', 'gpt4all.h', '*.so.*', '*.so']));
    expect(contents(variant).cpuLevels.length).toBeGreaterThan(0);
  });

  it('holds only baseline x86-64 code outside its CPU level modules', () => {
    for (const file of baselineFiles(variant)) {
      expect(instructionCounts(file), file).toEqual(none);
    }
  });
});

describe.each(variants)('%s CPU levels', (variant) => {
  it('holds in each CPU level module no instruction the level lacks', () => {
    for (const level of contents(variant).cpuLevels) {
      const counts = instructionCounts(join(packageDir(variant), level.file));
      const has = (feature: string) => level.features.includes(feature);
      for (const feature of Object.keys(instructions)) {
        if (!has(feature)) expect(counts[feature], `${level.name}: ${feature}`).toBe(0);
      }
      // The same patterns do find these instructions where they are expected, so the check is live.
      for (const feature of ['avx', 'fma', 'f16c', 'avx2', 'avx512']) {
        if (has(feature)) expect(counts[feature], `${level.name}: ${feature}`).toBeGreaterThan(50);
      }
    }
  });
});
