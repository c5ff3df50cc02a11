import { toError, callNative } from './errors/to-error.js';
import type { NativeDevice } from './native/binding.js';
import type { FileType, LogLevel } from './native/contract.js';
import { loadBinding } from './native/load-binding.js';
import type { BackendResolution } from './resolve-backend.js';
import { rpcWorkersInUse, type RpcWorkerUse } from './rpc-worker.js';

/**
 * The native variant this process uses, why it was chosen, and every candidate considered; and
 * the RPC workers its loaded models use, with the layers each holds there.
 */
export function backendInfo(): BackendResolution & { rpcWorkers: RpcWorkerUse[] } {
  return { ...loadBinding().resolution, rpcWorkers: rpcWorkersInUse() };
}

/** A compute device of the current backend. */
export type Device = NativeDevice;

/** The devices the current backend can compute on: the CPU, and GPUs for GPU variants. */
export function listDevices(): Device[] {
  return callNative(() => loadBinding().binding.listDevices());
}

/** A quantization target accepted by {@link quantize}: a llama.cpp file type, in either case. */
export type QuantizationType = FileType | Lowercase<FileType>;

/**
 * Writes a quantized copy of a GGUF model (llama.cpp's `llama_model_quantize`), so it needs less
 * memory and runs faster on commodity hardware. The output appears atomically (written as
 * `<outPath>.part`, then renamed). Errors: `ERR_INVALID_ARGUMENT` (unknown type), `ModelLoadError`
 * (input), `ERR_QUANTIZE`, `ERR_IO`.
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

/**
 * Sends llama.cpp's log lines at `level` or above to `handler`; `null` silences them again (the
 * default: a library does not write to your stderr).
 */
export function setLogHandler(handler: ((level: LogLevel, line: string) => void) | null, level: LogLevel = 'info'): void {
  const { binding } = loadBinding();
  callNative(() => binding.setLogHandler(level, handler ? ([lineLevel, line]) => handler(lineLevel, line) : null));
}
