import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import variantTable from '../../../crates/llama-sys/variants.json' with { type: 'json' };
import { cpuFeatures } from './cpu-features.js';
import { BackendError } from './errors/backend-error.js';

/** One native variant, as `crates/llama-sys/variants.json` describes it. */
export interface VariantSpec {
  description: string;
  gpu: string | null;
  priority: number;
  platforms: string[];
  requires: { cpuFeatures: string[]; gpu?: string; cudaMajor?: number };
}

/** What the resolver did with one candidate variant. */
export interface BackendAttempt {
  variant: string;
  packageName: string;
  outcome: 'selected' | 'skipped' | 'failed';
  /** Why, in words: "CPU lacks avx2", "package not installed", "no Vulkan device", ... */
  reason: string;
}

/** The variant chosen for this process, and how. */
export interface BackendResolution {
  variant: string;
  packageName: string;
  /** `linux-x64`, `darwin-arm64`, ... */
  platform: string;
  /** The `.node` file that was (or will be) loaded. */
  binaryPath: string;
  /** Why this variant: forced by an option or `GPT4ALL_BACKEND`, or the best that works here. */
  reason: string;
  /** Every candidate considered, best first. */
  attempts: BackendAttempt[];
  cpuFeatures: string[];
}

/** Options for {@link resolveBackend}. */
export interface ResolveBackendOptions {
  /** Force a variant (`cpu-avx2`, `cuda`, ...); overrides `GPT4ALL_BACKEND`. */
  backend?: string;
  env?: NodeJS.ProcessEnv;
}

const variants = variantTable.variants as Record<string, VariantSpec>;
const require = createRequire(import.meta.url);

/** The npm package that carries `variant` for `platform`. */
export function packageNameOf(variant: string, platform = currentPlatform()): string {
  return `@gpt4all/core-${platform}-${variant}`;
}

export function currentPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/** The variants built for `platform`, best first. */
export function variantsFor(platform = currentPlatform()): [string, VariantSpec][] {
  return Object.entries(variants)
    .filter(([, spec]) => spec.platforms.includes(platform))
    .sort(([, a], [, b]) => b.priority - a.priority);
}

/**
 * Chooses the native variant for this machine without loading any of them: a forced one
 * (option, then `GPT4ALL_BACKEND`) when it can run here, else the best installed one whose CPU
 * and GPU requirements are met. GPU variants are tried in a child process first, so a missing
 * driver is a recorded reason, never a crash.
 */
export function resolveBackend(options: ResolveBackendOptions = {}): BackendResolution {
  const env = options.env ?? process.env;
  const platform = currentPlatform();
  const features = cpuFeatures(env);
  const forced = options.backend ?? (env.GPT4ALL_BACKEND || undefined);
  const base = { platform, cpuFeatures: [...features].sort() };

  if (forced !== undefined) {
    const spec = variants[forced];
    const packageName = packageNameOf(forced, platform);
    if (!spec) {
      throw new BackendError('ERR_BACKEND_UNKNOWN', `unknown backend '${forced}'; known: ${Object.keys(variants).join(', ')}`, { variant: forced });
    }
    if (!spec.platforms.includes(platform)) {
      throw new BackendError('ERR_BACKEND_UNSUPPORTED', `the ${forced} backend is not built for ${platform}`, { variant: forced, packageName });
    }
    const missing = spec.requires.cpuFeatures.filter((f) => !features.has(f));
    if (missing.length > 0) {
      throw new BackendError('ERR_BACKEND_UNSUPPORTED', `the ${forced} backend needs CPU features this machine lacks: ${missing.join(', ')}`, { variant: forced, packageName });
    }
    const binaryPath = findBinary(packageName);
    if (!binaryPath) {
      throw new BackendError('ERR_BACKEND_NOT_INSTALLED', `the ${forced} backend is not installed: run \`npm install ${packageName}\``, { variant: forced, packageName });
    }
    const how = options.backend !== undefined ? 'the backend option' : 'GPT4ALL_BACKEND';
    const attempts: BackendAttempt[] = [{ variant: forced, packageName, outcome: 'selected', reason: `forced by ${how}` }];
    return { ...base, variant: forced, packageName, binaryPath, reason: `forced by ${how}`, attempts };
  }

  const attempts: BackendAttempt[] = [];
  for (const [variant, spec] of variantsFor(platform)) {
    const packageName = packageNameOf(variant, platform);
    const attempt = (outcome: BackendAttempt['outcome'], reason: string) => attempts.push({ variant, packageName, outcome, reason });
    const missing = spec.requires.cpuFeatures.filter((f) => !features.has(f));
    if (missing.length > 0) {
      attempt('skipped', `CPU lacks ${missing.join(', ')}`);
      continue;
    }
    const binaryPath = findBinary(packageName);
    if (!binaryPath) {
      attempt('skipped', `not installed (npm install ${packageName})`);
      continue;
    }
    if (spec.gpu) {
      const failure = probeGpu(binaryPath);
      if (failure) {
        attempt('failed', failure);
        continue;
      }
    }
    const reason = spec.gpu ? `a ${spec.gpu} device is available` : `best CPU variant for this CPU (${spec.requires.cpuFeatures.join(', ') || 'baseline'})`;
    attempt('selected', reason);
    return { ...base, variant, packageName, binaryPath, reason, attempts };
  }
  const summary = attempts.map((a) => `${a.variant}: ${a.reason}`).join('; ');
  throw new BackendError(
    'ERR_NO_BACKEND',
    attempts.length === 0
      ? `GPT4All has no native build for ${platform}`
      : `no usable GPT4All backend on this machine (${summary}). CPU variants need at least AVX.`,
  );
}

/** The `.node` file of an installed platform package, or undefined when it is not installed. */
function findBinary(packageName: string): string | undefined {
  try {
    const manifestPath = require.resolve(`${packageName}/package.json`);
    const manifest = require(manifestPath) as { main?: string };
    return manifest.main ? join(dirname(manifestPath), manifest.main) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a GPU variant in a child process and asks it for devices. A missing driver or library
 * makes the child fail to load the addon; that becomes the reason, and this process lives on.
 */
function probeGpu(binaryPath: string): string | undefined {
  const script = `const b = require(${JSON.stringify(binaryPath)}); process.stdout.write(JSON.stringify(b.listDevices()));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) {
    const line = (child.stderr || child.error?.message || 'failed to load').split('\n').find((l) => /error|cannot|not found/i.test(l));
    return `the addon does not load here: ${(line ?? child.stderr).trim().slice(0, 300)}`;
  }
  const devices = JSON.parse(child.stdout) as { kind: string }[];
  return devices.some((d) => d.kind === 'gpu' || d.kind === 'igpu') ? undefined : 'no GPU device found';
}
