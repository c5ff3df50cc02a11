// The platform packages' promises, checked on the built files: each .node needs nothing beyond
// glibc and the C++ runtime, and the cpu-avx build holds no instruction that an AVX-only CPU
// lacks (that would be an illegal-instruction crash, not an error).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/llama-tools.js';

const variants = ['cpu-avx', 'cpu-avx2'];
const binary = (variant: string) => join(repoRoot, `packages/core-linux-x64-${variant}`, `gpt4all.linux-x64-${variant}.node`);
const allowedLibraries = /^(linux-vdso\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libm\.so\.6|libc\.so\.6|\/lib64\/ld-linux-x86-64\.so\.2)$/;

/** Instructions by the feature that introduced them (AT&T mnemonics as objdump prints them). */
const newerThanAvx: Record<string, RegExp> = {
  fma: /\tv(fn?m(add|sub)(sub|add)?\d{3}[ps][sd])\s/,
  f16c: /\tvcvt(ph2ps|ps2ph)\s/,
  bmi2: /\t(shlx|sarx|shrx|pdep|pext|bzhi|mulx|rorx)\s/,
  avx2: /\tv(pbroadcast[bwdq]|perm[dq]|permps|pgather|gatherd|gatherq|psllv|psrlv|psrav|inserti128|extracti128)\w*\s/,
  avx512: /%zmm|%k[1-7]/,
};

function instructionCounts(file: string): Record<string, number> {
  const disassembly = execFileSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const counts = Object.fromEntries(Object.keys(newerThanAvx).map((k) => [k, 0]));
  for (const line of disassembly.split('\n')) {
    for (const [feature, pattern] of Object.entries(newerThanAvx)) if (pattern.test(line)) counts[feature]!++;
  }
  return counts;
}

describe.each(variants)('%s platform package', (variant) => {
  it('depends only on glibc and the C++ runtime', () => {
    const libraries = execFileSync('ldd', [binary(variant)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0]!)
      .filter(Boolean);
    expect(libraries.length).toBeGreaterThan(3);
    expect(libraries.filter((l) => !allowedLibraries.test(l))).toEqual([]);
  });

  it('is the build its package.json names', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, `packages/core-linux-x64-${variant}/package.json`), 'utf8'));
    expect(manifest.main).toBe(`gpt4all.linux-x64-${variant}.node`);
    expect(manifest).toMatchObject({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] });
  });
});

describe('instruction sets', () => {
  it('cpu-avx has no FMA, F16C, BMI2, AVX2 or AVX-512 instruction; cpu-avx2 has AVX2, FMA, F16C and BMI2', () => {
    const avx = instructionCounts(binary('cpu-avx'));
    const avx2 = instructionCounts(binary('cpu-avx2'));
    expect(avx).toEqual({ fma: 0, f16c: 0, bmi2: 0, avx2: 0, avx512: 0 });
    // The same patterns do find these instructions where they are expected, so the check is live.
    for (const feature of ['fma', 'f16c', 'bmi2', 'avx2']) expect(avx2[feature], feature).toBeGreaterThan(50);
    expect(avx2.avx512).toBe(0);
  });
});
