import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackendError } from '../errors/backend-error.js';
import { resolveBackend, type BackendResolution, type CpuLevelInfo, type ResolveBackendOptions } from '../resolve-backend.js';
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
  let entry = loaded.get(resolution.variant);
  if (!entry) {
    checkVersion(resolution);
    const binding = require(resolution.binaryPath) as NativeBinding;
    if (binding.variant() !== resolution.variant) {
      throw new BackendError('ERR_BACKEND_MISMATCH', `${resolution.binaryPath} is the ${binding.variant()} build, expected ${resolution.variant}`, resolution);
    }
    let report: ReturnType<NativeBinding['loadBackends']>;
    try {
      report = binding.loadBackends({ cpuDirs: resolution.cpuDirs, modules: resolution.modules, cpuLevel: resolution.cpuLevel });
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      throw new BackendError('ERR_NO_BACKEND', message, { variant: resolution.variant, packageName: resolution.packageName });
    }
    entry = { binding, cpu: cpuLevelInfo(report) };
    loaded.set(resolution.variant, entry);
  }
  return { binding: entry.binding, resolution: { ...resolution, cpu: entry.cpu } };
}

function cpuLevelInfo(report: ReturnType<NativeBinding['loadBackends']>): CpuLevelInfo {
  const runnable = report.candidates.filter((c) => c.score > 0).map((c) => c.name);
  const reason = report.cpuLevelForced
    ? 'forced by the cpuLevel option or GPT4ALL_CPU_LEVEL'
    : report.candidates.length === 0
      ? 'loaded earlier in this process by another variant'
      : `the highest ggml_backend_score() of the levels this CPU can run (${runnable.join(', ')}) among those installed (${report.candidates.map((c) => c.name).join(', ')})`;
  return { level: report.cpuLevel, reason, module: report.cpuModule, features: report.cpuFeatures, candidates: report.candidates };
}

/** A platform package of another version may have another native interface: refuse it. */
function checkVersion(resolution: BackendResolution) {
  const manifest = require(join(dirname(resolution.binaryPath), 'package.json')) as { version: string };
  if (manifest.version !== __GPT4ALL_CORE_VERSION__) {
    throw new BackendError(
      'ERR_BACKEND_MISMATCH',
      `${resolution.packageName}@${manifest.version} does not match @gpt4all/core@${__GPT4ALL_CORE_VERSION__}; install the same version of both`,
      resolution,
    );
  }
}
