import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import variantTable from '../../../crates/llama-sys/variants.json' with { type: 'json' };
import { cachedProbe, probeCachePath } from './backend-probe-cache.js';
import { probeAddon, type ProbeFailureKind } from './backend-probe.js';
import { BackendError } from './errors/backend-error.js';
import { gpuHints, type GpuHints } from './gpu-hints.js';

/** One native variant, as `crates/llama-sys/variants.json` describes it. */
export interface VariantSpec {
  description: string;
  gpu: string | null;
  priority: number;
  platforms: string[];
  requires: {
    gpu?: string;
    /** The CUDA major version the addon was built with; its runtime libraries carry it (`libcudart.so.13`). */
    cudaMajor?: number;
    /** The oldest NVIDIA driver branch that runs that CUDA version. */
    nvidiaDriverMajor?: number;
  };
  /** Which of ggml's CPU levels the package carries, by feature (`{ with: ['avx2'] }`); absent for GPU packages that use the CPU packages' code. */
  cpuLevels?: { with?: string[]; without?: string[] };
  /** The other backend modules it carries (`ggml-cuda`). */
  backendModules?: string[];
  /**
   * The variant whose package carries the engine (addon, llama.cpp's libraries, C ABI) that runs
   * this one's CPU levels; absent when the package carries its own. `cpu-avx` has `cpu-avx2`:
   * the engine is baseline x86-64 code, so a default install ships it once.
   */
  engine?: string;
}

/** What a built platform package carries: `native.json` beside its addon, written by scripts/build-native.mjs. */
export interface PackageContents {
  variant: string;
  /** The variant whose package carries the engine, for a package of CPU levels only. */
  engine?: string;
  /** llama.cpp's shared libraries, by file name. */
  sharedLibraries: string[];
  /** The CPU levels it carries: ggml's name, the module's file name, the features it is compiled for (ggml's names, lowercased). */
  cpuLevels: { name: string; file: string; features: string[] }[];
  /** Its other backend modules, by file name. */
  backendModules: string[];
}

/** The CPU code that runs: known once the addon has loaded it (see {@link backendInfo}). */
export interface CpuLevelInfo {
  /** ggml's name for the level: `x64`, `sse42`, `sandybridge`, `haswell`, `skylakex`, `zen4`, ... */
  level: string;
  /** Why this one: forced, or the highest `ggml_backend_score()` among the installed levels. */
  reason: string;
  /** The module file. */
  module: string;
  /** This CPU's features as cpuid and the OS's XSAVE state report them, in ggml's names. */
  features: string[];
  /** Every CPU module found, best score first (0: cannot run on this CPU, or `error` says why it could not be opened). */
  candidates: { name: string; path: string; score: number; error?: string }[];
}

/** What the resolver did with one candidate variant. */
export interface BackendAttempt {
  variant: string;
  packageName: string;
  outcome: 'selected' | 'skipped' | 'failed';
  /** Why, in words: "CPU lacks avx2", "package not installed", "no Vulkan device", ... */
  reason: string;
  /**
   * For a GPU variant that is installed but cannot be used: why, as a stable word. `no-driver`,
   * `no-loader` and (from the kernel driver's version) `driver-too-old` can come from the cheap
   * checks before any probe; the rest from the probe.
   */
  failure?: ProbeFailureKind | 'no-driver' | 'no-loader';
  /** The installed package's version, when it is installed. */
  version?: string;
  /** Whether the probe result came from the probe cache rather than a child process. */
  cached?: boolean;
}

/** The variant chosen for this process, and how. */
export interface BackendResolution {
  variant: string;
  packageName: string;
  /** `linux-x64`, `darwin-arm64`, ... */
  platform: string;
  /** The `.node` file that was (or will be) loaded: the variant's own, or its engine's (see {@link VariantSpec.engine}). */
  binaryPath: string;
  /** The variant the addon at `binaryPath` was built as: `variant`, or its engine. */
  engineVariant: string;
  /** Why this variant: forced by an option or `GPT4ALL_BACKEND`, or the best that works here. */
  reason: string;
  /** Every candidate considered, best first. */
  attempts: BackendAttempt[];
  /**
   * Where the CPU code comes from: the installed CPU packages' directories, preferred first
   * (only the forced package's when a CPU variant is forced). ggml's scoring picks the level.
   */
  cpuDirs: string[];
  /** The variant's other backend modules (`libggml-cuda.so`), as paths. */
  modules: string[];
  /** A CPU level forced by the `cpuLevel` option or `GPT4ALL_CPU_LEVEL`. */
  cpuLevel?: string;
  /** The CPU level in use; set once the addon has loaded (as {@link backendInfo} returns it). */
  cpu?: CpuLevelInfo;
  /** What the machine offers GPU variants (driver, loader, render nodes), read cheaply. */
  gpu: GpuHints;
  /**
   * One line per installed GPU package that cannot be used here, and why. Never silent: each is
   * also emitted once per process as a `GPT4ALL_GPU_UNUSABLE` process warning.
   */
  warnings: string[];
}

/** Options for {@link resolveBackend}. */
export interface ResolveBackendOptions {
  /** Force a variant (`cpu-avx2`, `cuda`, ...); overrides `GPT4ALL_BACKEND`. */
  backend?: string;
  /** Force one of ggml's CPU levels (`haswell`, `sse42`, ...); overrides `GPT4ALL_CPU_LEVEL`. */
  cpuLevel?: string;
  env?: NodeJS.ProcessEnv;
  /** Where to look for platform packages (as `require.resolve`'s `paths`); default: beside `@gpt4all/core`. */
  paths?: string[];
  /** The machine's GPU hints; read with {@link gpuHints} when absent. For tests and tools. */
  hints?: GpuHints;
  /** The probe cache file, or `null` for none; default {@link probeCachePath}. */
  probeCache?: string | null;
  /** Emit a process warning for each unusable GPU package (default true). */
  warn?: boolean;
  /** Resolve for this platform (`win32-x64`) instead of the running one: for tests and tools. */
  platform?: string;
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
 * (option, then `GPT4ALL_BACKEND`) when it is built for this platform and installed, else the
 * best installed one whose GPU requirements are met, in the order metal, cuda, vulkan,
 * cpu-avx2, cpu-avx.
 *
 * The CPU code is not chosen here: each CPU package carries some of ggml's CPU levels, and the
 * addon loads the best level that this CPU can run from all of them (`cpuDirs`), scored by ggml
 * in baseline code. So any installed CPU package serves any x86-64 CPU, and a GPU package uses
 * the best CPU code for layers left on the CPU.
 *
 * An installed GPU variant is first checked cheaply (is there an NVIDIA driver, a Vulkan
 * loader), then loaded in a child process that lists its devices; the answer is cached per
 * package version and machine (see {@link probeCachePath}), so only the first start pays for
 * it. A GPU package that cannot be used is never passed over silently: the attempt records why,
 * `warnings` says so, and a `GPT4ALL_GPU_UNUSABLE` process warning is emitted once.
 *
 * Throws {@link BackendError}: `ERR_BACKEND_UNKNOWN`, `ERR_BACKEND_UNSUPPORTED` (not built for
 * this platform), `ERR_BACKEND_NOT_INSTALLED`, `ERR_NO_BACKEND`.
 */
export function resolveBackend(options: ResolveBackendOptions = {}): BackendResolution {
  const env = options.env ?? process.env;
  const platform = options.platform ?? currentPlatform();
  const forced = options.backend ?? (env.GPT4ALL_BACKEND || undefined);
  const cpuLevel = options.cpuLevel ?? (env.GPT4ALL_CPU_LEVEL || undefined);
  const hints = options.hints ?? gpuHints(env);
  const cpuPackages = installedCpuPackages(platform, options.paths);
  const base = { platform, gpu: hints, warnings: [] as string[], ...(cpuLevel !== undefined && { cpuLevel }) };

  if (forced !== undefined) {
    const spec = variants[forced];
    const packageName = packageNameOf(forced, platform);
    if (!spec) {
      throw new BackendError('ERR_BACKEND_UNKNOWN', `unknown backend '${forced}'; known: ${Object.keys(variants).join(', ')}`, { variant: forced });
    }
    if (!spec.platforms.includes(platform)) {
      throw new BackendError('ERR_BACKEND_UNSUPPORTED', `the ${forced} backend is not built for ${platform}`, { variant: forced, packageName });
    }
    const found = findPackage(packageName, options.paths);
    if (!found) {
      throw new BackendError('ERR_BACKEND_NOT_INSTALLED', `the ${forced} backend is not installed: run \`npm install ${packageName}\``, { variant: forced, packageName });
    }
    if (found.missing !== undefined) {
      throw new BackendError('ERR_BACKEND_NOT_INSTALLED', `${packageName} cannot run: ${found.missing}`, { variant: forced, packageName });
    }
    // A forced CPU variant runs its own CPU levels only; a forced GPU variant, the CPU packages'.
    const cpuDirs = spec.cpuLevels ? [found.dir] : sameVersion(cpuPackages, found.version).map((p) => p.dir);
    const how = options.backend !== undefined ? 'the backend option' : 'GPT4ALL_BACKEND';
    const attempts: BackendAttempt[] = [{ variant: forced, packageName, outcome: 'selected', reason: `forced by ${how}` }];
    const engine = { binaryPath: found.binaryPath, engineVariant: spec.engine ?? forced, modules: modulesOf(found.binaryPath) };
    return { ...base, variant: forced, packageName, ...engine, reason: `forced by ${how}`, attempts, cpuDirs: requireCpuDirs(cpuDirs, forced, platform) };
  }

  const attempts: BackendAttempt[] = [];
  const cacheFile = options.probeCache === undefined ? probeCachePath(env) : (options.probeCache ?? undefined);
  for (const [variant, spec] of variantsFor(platform)) {
    const packageName = packageNameOf(variant, platform);
    const installed = findPackage(packageName, options.paths);
    if (!installed) {
      attempts.push({ variant, packageName, outcome: 'skipped', reason: `not installed (npm install ${packageName})` });
      continue;
    }
    if (installed.missing !== undefined) {
      attempts.push({ variant, packageName, version: installed.version, outcome: 'skipped', reason: installed.missing });
      continue;
    }
    const { binaryPath, version, dir: ownDir } = installed;
    // This package's CPU levels first, then the other CPU packages' (ties go to the first).
    const cpuDirs = [...(spec.cpuLevels ? [ownDir] : []), ...sameVersion(cpuPackages, version).map((p) => p.dir).filter((d) => d !== ownDir)];
    if (cpuDirs.length === 0) {
      attempts.push({ variant, packageName, version, outcome: 'skipped', reason: `no CPU package is installed for the layers left on the CPU (npm install ${preferredCpuPackage(platform)})` });
      continue;
    }
    const modules = modulesOf(binaryPath);
    if (spec.gpu) {
      const unusable = checkGpu(spec, hints, () => cachedProbe(cacheFile, { packageName, version, binaryPath, hints }, () => probeAddon(binaryPath, { cpuDirs, modules })));
      if (unusable) {
        attempts.push({ variant, packageName, version, outcome: unusable.outcome, reason: unusable.reason, failure: unusable.failure, cached: unusable.cached });
        continue;
      }
    }
    const reason = spec.gpu ? `a ${spec.gpu} device is available` : 'the CPU package preferred for this platform; ggml picks the CPU level';
    attempts.push({ variant, packageName, version, outcome: 'selected', reason });
    const warnings = unusableGpuWarnings(attempts, variant);
    if (options.warn !== false) warnOnce(warnings);
    return { ...base, variant, packageName, binaryPath, engineVariant: spec.engine ?? variant, reason, attempts, warnings, cpuDirs, modules };
  }
  const summary = attempts.map((a) => `${a.variant}: ${a.reason}`).join('; ');
  throw new BackendError(
    'ERR_NO_BACKEND',
    attempts.length === 0 ? `GPT4All has no native build for ${platform}` : `no usable GPT4All backend on this machine (${summary})`,
  );
}

/** The installed, built CPU packages of `platform`, preferred first. */
function installedCpuPackages(platform: string, paths?: string[]): { variant: string; dir: string; version: string }[] {
  return variantsFor(platform)
    .filter(([, spec]) => spec.cpuLevels !== undefined)
    .flatMap(([variant]) => {
      const found = findPackage(packageNameOf(variant, platform), paths);
      return found && !found.missing ? [{ variant, dir: found.dir, version: found.version }] : [];
    });
}

/** The CPU package to suggest installing on `platform`: its preferred one (`cpu-avx2` on x64). */
function preferredCpuPackage(platform: string): string {
  const variant = variantsFor(platform).find(([, spec]) => spec.cpuLevels !== undefined)?.[0] ?? 'cpu-avx2';
  return packageNameOf(variant, platform);
}

/** CPU modules run inside another package's addon: only those built from the same release do. */
function sameVersion<T extends { version: string }>(packages: T[], version: string): T[] {
  return packages.filter((p) => p.version === version);
}

function requireCpuDirs(cpuDirs: string[], variant: string, platform: string): string[] {
  if (cpuDirs.length === 0) {
    const packageName = preferredCpuPackage(platform);
    throw new BackendError('ERR_BACKEND_NOT_INSTALLED', `the ${variant} backend runs layers left on the CPU with the CPU packages' code, and none is installed: run \`npm install ${packageName}\``, { variant, packageName });
  }
  return cpuDirs;
}

/** What the platform package in `dir` carries (its `native.json`); undefined for a package built before it existed. */
export function packageContents(dir: string): PackageContents | undefined {
  let contents: Partial<PackageContents>;
  try {
    contents = JSON.parse(readFileSync(join(dir, 'native.json'), 'utf8')) as Partial<PackageContents>;
  } catch {
    return undefined;
  }
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  const levels = Array.isArray(contents.cpuLevels) && contents.cpuLevels.every((l) => typeof l?.name === 'string' && typeof l.file === 'string' && strings(l.features));
  if (!strings(contents.sharedLibraries) || !levels || !strings(contents.backendModules)) {
    throw new BackendError('ERR_BACKEND_MISMATCH', `${join(dir, 'native.json')} is damaged (it should list sharedLibraries, cpuLevels and backendModules): reinstall the package`);
  }
  return contents as PackageContents;
}

function modulesOf(binaryPath: string): string[] {
  return (packageContents(dirname(binaryPath))?.backendModules ?? []).map((file) => join(dirname(binaryPath), file));
}

/**
 * An installed platform package, as {@link findPackage} finds it: runnable, with the addon that
 * runs it, or not runnable, with why.
 */
export type InstalledPackage = {
  /** Its folder: where its modules are. */
  dir: string;
  version: string;
} & (
  | {
      /** The addon that runs it: its own, or its engine package's (see {@link VariantSpec.engine}). */
      binaryPath: string;
      missing?: undefined;
    }
  | {
      binaryPath?: undefined;
      /** Why it cannot run: unbuilt (a workspace package), or its engine is missing or of another version. */
      missing: string;
    }
);

/** An installed platform package, or undefined when it is not installed. */
export function findPackage(packageName: string, paths?: string[]): InstalledPackage | undefined {
  const manifest = readManifest(packageName, paths);
  if (!manifest) return undefined;
  const { dir, version, main, gpt4all } = manifest;
  const engine = gpt4all && variants[gpt4all.variant]?.engine;
  if (engine === undefined) {
    if (!main) return undefined;
    const binaryPath = join(dir, main);
    // Only an unbuilt workspace package lacks its binary: published ones always carry it.
    if (!existsSync(binaryPath)) return { dir, version, missing: `not built: ${binaryPath} is missing (pnpm build:native --variant ${gpt4all?.variant ?? packageName})` };
    return { dir, version, binaryPath };
  }
  // A package of CPU levels only: the addon is its engine package's, of the same version.
  const enginePackage = packageNameOf(engine, gpt4all!.platform);
  const engineFound = findPackage(enginePackage, paths);
  const cannotRun = (missing: string) => ({ dir, version, missing });
  if (!existsSync(join(dir, 'native.json'))) return cannotRun(`not built: ${join(dir, 'native.json')} is missing (pnpm build:native --variant ${gpt4all!.variant})`);
  if (!engineFound) return cannotRun(`its CPU levels run on the engine of ${enginePackage}, which is not installed (npm install ${enginePackage})`);
  if (engineFound.missing !== undefined) return cannotRun(`its engine ${enginePackage} cannot run: ${engineFound.missing}`);
  if (engineFound.version !== version) return cannotRun(`its engine ${enginePackage} is version ${engineFound.version}, not ${version}: install the same version of both`);
  return { dir, version, binaryPath: engineFound.binaryPath };
}

function readManifest(packageName: string, paths?: string[]): { dir: string; version: string; main?: string; gpt4all?: { variant: string; platform: string } } | undefined {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${packageName}/package.json`, paths ? { paths } : undefined);
  } catch {
    return undefined;
  }
  // Read, not require: require would cache a manifest that a rebuild or reinstall changes.
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { main?: string; version: string; gpt4all?: { variant: string; platform: string } };
  return { dir: dirname(manifestPath), ...manifest };
}

type GpuProblem = Pick<BackendAttempt, 'outcome' | 'reason' | 'failure' | 'cached'>;

/**
 * Whether an installed GPU variant can run here: first the cheap checks (is there a driver, new
 * enough for the variant's CUDA; a loader), then the probe in a child process, cached. Returns
 * the problem, or undefined.
 */
function checkGpu(spec: VariantSpec, hints: GpuHints, probe: () => ReturnType<typeof probeAddon> & { cached: boolean }): GpuProblem | undefined {
  const { gpu, requires } = spec;
  if (gpu === 'cuda' && !hints.nvidiaDriver.present) return { outcome: 'skipped', failure: 'no-driver', reason: hints.nvidiaDriver.detail };
  const driver = hints.nvidiaDriver.version;
  if (gpu === 'cuda' && driver && requires.nvidiaDriverMajor && Number.parseInt(driver, 10) < requires.nvidiaDriverMajor) {
    const reason = `NVIDIA driver ${driver} is too old: CUDA ${requires.cudaMajor} needs ${requires.nvidiaDriverMajor} or newer; update the driver`;
    return { outcome: 'skipped', failure: 'driver-too-old', reason };
  }
  if (gpu === 'vulkan' && !hints.vulkanLoader.present) return { outcome: 'skipped', failure: 'no-loader', reason: hints.vulkanLoader.detail };
  const result = probe();
  return result.ok ? undefined : { outcome: 'failed', failure: result.failure, reason: result.reason, cached: result.cached };
}

/** One line per installed GPU package that was passed over, naming what runs instead. */
function unusableGpuWarnings(attempts: BackendAttempt[], chosen: string): string[] {
  return attempts
    .filter((a) => a.failure !== undefined)
    .map((a) => `${a.packageName} is installed but cannot be used: ${a.reason}. Using ${chosen} instead (run \`npx gpt4all-doctor\` for details).`);
}

const warned = new Set<string>();

function warnOnce(warnings: string[]): void {
  for (const warning of warnings) {
    if (warned.has(warning)) continue;
    warned.add(warning);
    process.emitWarning(warning, { code: 'GPT4ALL_GPU_UNUSABLE' });
  }
}
