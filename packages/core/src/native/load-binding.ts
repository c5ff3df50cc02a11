import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackendError } from '../errors/backend-error.js';
import { packageNameOf, resolveBackend, type BackendResolution, type CpuLevelInfo, type ResolveBackendOptions } from '../resolve-backend.js';
import type * as Binding from './binding.js';

/** The addon's exports, as generated from the Rust code. */
export type NativeBinding = typeof Binding;

declare const __GPT4ALL_CORE_VERSION__: string;
const require = createRequire(import.meta.url);
let defaultResolution: BackendResolution | undefined;

const loaded = new Map<string, { binding: NativeBinding; cpu: CpuLevelInfo }>();

/**
 * The addon for `options.backend` (or the resolved default), loaded once per variant, with its
 * backend modules: the CPU level that ggml scores best for this CPU among the installed CPU
 * packages (or `cpuLevel`), and the variant's GPU backend. Throws {@link BackendError}.
 */
export function loadBinding(options: ResolveBackendOptions = {}): { binding: NativeBinding; resolution: BackendResolution } {
  const forced = options.backend !== undefined || options.cpuLevel !== undefined;
  return bindingFor(forced ? resolveBackend(options) : (defaultResolution ??= resolveBackend(options)));
}

/** The addon of a resolution made already (as `gpt4all-doctor` shows it), loaded once per variant. */
export function bindingFor(resolution: BackendResolution): { binding: NativeBinding; resolution: BackendResolution } {
  const details = { variant: resolution.variant, packageName: resolution.packageName };
  // One CPU level serves the whole process: ggml's registry is process-wide.
  const first = loaded.values().next().value as { cpu: CpuLevelInfo } | undefined;
  if (first && resolution.cpuLevel !== undefined && resolution.cpuLevel !== first.cpu.level) {
    throw new BackendError('ERR_NO_BACKEND', `CPU level ${first.cpu.level} is loaded already and serves the whole process; '${resolution.cpuLevel}' can only be chosen before the first model loads (GPT4ALL_CPU_LEVEL, or the cpuLevel option of the first loadModel)`, details);
  }
  // Keyed by addon: cpu-avx runs cpu-avx2's (see VariantSpec.engine).
  let entry = loaded.get(resolution.binaryPath);
  if (!entry) {
    checkVersion(resolution);
    let binding: NativeBinding;
    try {
      binding = require(resolution.binaryPath) as NativeBinding;
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      throw new BackendError('ERR_NO_BACKEND', `${resolution.binaryPath} could not be loaded (${message.split('\n')[0]}): reinstall ${packageNameOf(resolution.engineVariant, resolution.platform)}`, details);
    }
    if (binding.variant() !== resolution.engineVariant) {
      throw new BackendError('ERR_BACKEND_MISMATCH', `${resolution.binaryPath} is the ${binding.variant()} build, expected ${resolution.engineVariant}`, resolution);
    }
    let report: ReturnType<NativeBinding['loadBackends']>;
    try {
      report = binding.loadBackends({ cpuDirs: resolution.cpuDirs, modules: resolution.modules, cpuLevel: resolution.cpuLevel });
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      throw new BackendError('ERR_NO_BACKEND', `${message}${advice(resolution, message)}`, details);
    }
    const cpu = report.candidates.length === 0 && first ? { ...first.cpu, reason: `${first.cpu.reason}; chosen when the first variant loaded in this process` } : cpuLevelInfo(report);
    entry = { binding, cpu };
    loaded.set(resolution.binaryPath, entry);
    // A damaged module is passed over, never silently: the CPU runs slower code than it could.
    for (const broken of cpu.candidates.filter((c) => c.error)) {
      process.emitWarning(`${broken.path} could not be opened (${broken.error}); running CPU level ${cpu.level} instead. Reinstall the package that carries it.`, { code: 'GPT4ALL_CPU_LEVEL_BROKEN' });
    }
  }
  return { binding: entry.binding, resolution: { ...resolution, cpu: entry.cpu } };
}

/** What to do about a CPU level that did not load, as a sentence to append. */
function advice(resolution: BackendResolution, message: string): string {
  const hints: string[] = [];
  if (resolution.cpuLevel !== undefined) hints.push(`the level was forced (GPT4ALL_CPU_LEVEL or cpuLevel): unset it to let ggml choose`);
  if (resolution.reason.startsWith('forced') && resolution.cpuDirs.length === 1) {
    hints.push(`${resolution.variant} was forced (GPT4ALL_BACKEND or backend), which searches only its own levels: unset it to search every installed CPU package`);
  }
  if (/none of the installed CPU levels|no CPU code found/.test(message) && !resolution.cpuDirs.some((dir) => /cpu-avx$/.test(dir))) {
    hints.push(`for CPUs without AVX2, install @gpt4all/core-${resolution.platform}-cpu-avx`);
  }
  return hints.length > 0 ? ` (${hints.join('; ')})` : '';
}

function cpuLevelInfo(report: ReturnType<NativeBinding['loadBackends']>): CpuLevelInfo {
  // Best first, so that what runs and what could not are easy to read.
  const candidates = [...report.candidates].sort((a, b) => b.score - a.score);
  const runnable = candidates.filter((c) => c.score > 0).map((c) => c.name);
  const reason = report.cpuLevelForced
    ? 'forced by the cpuLevel option or GPT4ALL_CPU_LEVEL'
    : `the highest ggml_backend_score() of the levels this CPU can run (${runnable.join(', ')}) among those installed (${candidates.map((c) => c.name).join(', ')})`;
  return {
    level: report.cpuLevel,
    reason,
    module: report.cpuModule,
    features: report.cpuFeatures,
    candidates: candidates.map(({ name, path, score, error }) => ({ name, path, score, ...(error && { error }) })),
  };
}

/** A platform package of another version may have another native interface: refuse it. */
function checkVersion(resolution: BackendResolution) {
  const manifest = require(join(dirname(resolution.binaryPath), 'package.json')) as { version: string };
  if (manifest.version !== __GPT4ALL_CORE_VERSION__) {
    throw new BackendError(
      'ERR_BACKEND_MISMATCH',
      `${packageNameOf(resolution.engineVariant, resolution.platform)}@${manifest.version} does not match @gpt4all/core@${__GPT4ALL_CORE_VERSION__}; install the same version of both`,
      resolution,
    );
  }
}
