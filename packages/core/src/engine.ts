import { toError, callNative } from './errors/to-error.js';
import type { NativeDevice } from './native/binding.js';
import { loadBinding } from './native/load-binding.js';
import type { BackendResolution } from './resolve-backend.js';

/** The native variant this process uses, why it was chosen, and every candidate considered. */
export function backendInfo(): BackendResolution {
  return loadBinding().resolution;
}

/** A compute device of the current backend. */
export type Device = NativeDevice;

/** The devices the current backend can compute on: the CPU, and GPUs for GPU variants. */
export function listDevices(): Device[] {
  return callNative(() => loadBinding().binding.listDevices());
}

/** A quantisation target accepted by {@link quantize}. */
export type QuantizationType = 'Q4_0' | 'Q4_1' | 'Q5_0' | 'Q5_1' | 'Q8_0' | 'Q2_K' | 'Q3_K_S' | 'Q3_K_M' | 'Q3_K_L' | 'Q4_K_S' | 'Q4_K_M' | 'Q5_K_S' | 'Q5_K_M' | 'Q6_K' | 'F16' | 'BF16' | 'F32' | (string & {});

/**
 * Writes a quantised copy of a GGUF model, so it needs less memory and runs faster on commodity
 * hardware. The output appears atomically (written as `<outPath>.part`, then renamed).
 */
export function quantize(inPath: string, outPath: string, type: QuantizationType, options: { threads?: number } = {}): Promise<void> {
  const { binding } = loadBinding();
  return new Promise((resolve, reject) => {
    callNative(() =>
      binding.quantize(inPath, outPath, type, options.threads ?? 0, (event) => {
        if (event.kind === 'done') resolve();
        else if (event.kind === 'error') reject(toError(event.error, { path: inPath }));
      }),
    );
  });
}

/** Severity of a llama.cpp log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Sends llama.cpp's log lines at `level` or above to `handler`; `null` silences them again (the
 * default: a library does not write to your stderr).
 */
export function setLogHandler(handler: ((level: LogLevel, line: string) => void) | null, level: LogLevel = 'info'): void {
  const { binding } = loadBinding();
  callNative(() => binding.setLogHandler(level, handler ? ([lineLevel, line]) => handler(lineLevel as LogLevel, line) : null));
}
