import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The instruction-set extensions of this CPU that the native variants depend on, read without
 * executing any of them: a variant built for AVX2 must never be loaded on a CPU without it,
 * because the process would die with an illegal instruction.
 *
 * `GPT4ALL_CPU_FEATURES` (comma-separated, such as `avx` or `avx,avx2,fma,f16c,bmi2`) replaces
 * the detected list, to test how the resolver behaves on other machines.
 */
export function cpuFeatures(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const override = env.GPT4ALL_CPU_FEATURES;
  if (override !== undefined) {
    return new Set(override.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean));
  }
  return detectCpuFeatures();
}

let detected: Set<string> | undefined;

function detectCpuFeatures(): Set<string> {
  detected ??= new Set(readFlags().map((f) => f.toLowerCase()));
  return detected;
}

function readFlags(): string[] {
  try {
    if (process.platform === 'linux') {
      const line = readFileSync('/proc/cpuinfo', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('flags'));
      return line?.split(':')[1]?.trim().split(/\s+/) ?? [];
    }
    if (process.platform === 'darwin' && process.arch === 'x64') {
      const out = execFileSync('sysctl', ['-n', 'machdep.cpu.features', 'machdep.cpu.leaf7_features'], { encoding: 'utf8' });
      // macOS spells them AVX1.0, AVX2, FMA, F16C, BMI2.
      return out.split(/\s+/).map((f) => f.replace('AVX1.0', 'AVX'));
    }
  } catch {
    // Unknown features: the resolver then only offers variants that need none.
  }
  return [];
}
