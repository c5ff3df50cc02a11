import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackendError } from '../errors/backend-error.js';
import { resolveBackend, type BackendResolution, type ResolveBackendOptions } from '../resolve-backend.js';
import type * as Binding from './binding.js';

/** The addon's exports, as generated from the Rust code. */
export type NativeBinding = typeof Binding;

declare const __GPT4ALL_CORE_VERSION__: string;
const require = createRequire(import.meta.url);
const loaded = new Map<string, NativeBinding>();
let defaultResolution: BackendResolution | undefined;

/** The addon for `options.backend` (or the resolved default), loaded once per variant. */
export function loadBinding(options: ResolveBackendOptions = {}): { binding: NativeBinding; resolution: BackendResolution } {
  const resolution = options.backend === undefined ? (defaultResolution ??= resolveBackend(options)) : resolveBackend(options);
  let binding = loaded.get(resolution.variant);
  if (!binding) {
    checkVersion(resolution);
    binding = require(resolution.binaryPath) as NativeBinding;
    if (binding.variant() !== resolution.variant) {
      throw new BackendError('ERR_BACKEND_MISMATCH', `${resolution.binaryPath} is the ${binding.variant()} build, expected ${resolution.variant}`, resolution);
    }
    loaded.set(resolution.variant, binding);
  }
  return { binding, resolution };
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
