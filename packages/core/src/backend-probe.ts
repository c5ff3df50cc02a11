import { spawnSync } from 'node:child_process';
import type { NativeDevice } from './native/binding.js';

/** Why a GPU variant cannot be used here, as a stable word to branch on. */
export type ProbeFailureKind =
  /** A shared library the addon links against is not installed (CUDA runtime, Vulkan loader). */
  | 'missing-library'
  /** The GPU driver is older than the runtime the addon was built with. */
  | 'driver-too-old'
  /** The addon loads but finds no GPU. */
  | 'no-device'
  /** The addon does not load, for another reason (the message says which). */
  | 'load-failed'
  /** Loading or listing devices killed the process (a signal, an abort in a driver). */
  | 'crashed'
  /** The probe did not answer in time. */
  | 'timeout';

/** What loading an addon in a child process showed. */
export interface ProbeResult {
  ok: boolean;
  /** Set when `ok` is false. */
  failure?: ProbeFailureKind;
  /** One line for people: "missing library libcudart.so.12", "2 GPUs: NVIDIA RTX 4090, ...". */
  reason: string;
  /** The devices the addon listed (empty when it did not load). */
  devices: NativeDevice[];
}

const probeScript = `
const report = (result) => process.stdout.write('\\n@@probe ' + JSON.stringify(result) + '\\n');
let binding;
try {
  binding = require(process.argv[1]);
  binding.loadBackends(JSON.parse(process.argv[2]));
} catch (error) {
  report({ stage: 'load', message: String((error && error.message) || error) });
  process.exit(3);
}
// The addon prints nothing by default; its warnings and errors say why a GPU was not usable
// ("failed to initialize CUDA: ..."). Log lines arrive through the event loop, so the report
// waits a moment for them.
const log = [];
try {
  binding.setLogHandler('warn', ([, line]) => log.push(line));
  const devices = binding.listDevices();
  setTimeout(() => {
    binding.setLogHandler('warn', null);
    report({ stage: 'devices', devices, log });
    process.exit(0);
  }, 50);
} catch (error) {
  report({ stage: 'list', message: String((error && error.message) || error), log });
  process.exit(4);
}
`;

/**
 * Loads the addon at `binaryPath` in a child process, with its backend modules (`backends`, as
 * the addon's `loadBackends` takes them), and asks it for devices. A missing driver or library,
 * or a driver that aborts, ends the child and becomes a reason; this process never loads a GPU
 * addon that has not been seen to work.
 */
export function probeAddon(binaryPath: string, backends: { cpuDirs: string[]; modules: string[] } = { cpuDirs: [], modules: [] }, timeoutMs = 30_000): ProbeResult {
  const child = spawnSync(process.execPath, ['-e', probeScript, binaryPath, JSON.stringify(backends)], { encoding: 'utf8', timeout: timeoutMs, windowsHide: true });
  const output = `${child.stdout ?? ''}\n${child.stderr ?? ''}`;
  const reportLine = (child.stdout ?? '').split('\n').find((line) => line.startsWith('@@probe '));
  const report = reportLine ? (JSON.parse(reportLine.slice('@@probe '.length)) as { stage: string; message?: string; devices?: NativeDevice[]; log?: string[] }) : undefined;
  const log = report?.log ?? [];

  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return failed('timeout', `loading the addon did not finish within ${Math.round(timeoutMs / 1000)} s`);
  }
  if (report?.stage === 'devices') {
    const devices = report.devices ?? [];
    const gpus = devices.filter((device) => device.kind === 'gpu' || device.kind === 'igpu');
    if (gpus.length > 0) {
      return { ok: true, reason: `${gpus.length} GPU${gpus.length > 1 ? 's' : ''}: ${gpus.map((d) => d.description || d.name).join(', ')}`, devices };
    }
    const driverText = classify([...log, output].join('\n'));
    if (driverText?.failure === 'driver-too-old') return { ...driverText, ok: false, devices };
    const lists = `the addon loaded and lists only: ${devices.map((d) => d.name).join(', ') || 'nothing'}`;
    // ggml's own explanation, when it gave one ("ggml_cuda_init: failed to initialize CUDA: ...").
    const why = log.find((line) => /fail|error|no .*device/i.test(line));
    return { ok: false, failure: 'no-device', reason: `no GPU device found (${lists}${why ? `; ${firstLine(why)}` : ''})`, devices };
  }
  if (report?.message) {
    return { ...(classify(report.message) ?? classify(output) ?? { failure: 'load-failed' as const, reason: `the addon does not load: ${firstLine(report.message)}` }), ok: false, devices: [] };
  }
  if (child.signal) return failed('crashed', `loading the addon killed the process (${child.signal})${lastLine(child.stderr)}`);
  return { ...(classify(output) ?? { failure: 'crashed' as const, reason: `loading the addon ended the process (exit code ${child.status})${lastLine(child.stderr)}` }), ok: false, devices: [] };
}

/** Recognises the loader's and the GPU runtimes' own messages. Exported for tests. */
export function classify(text: string): { failure: ProbeFailureKind; reason: string } | undefined {
  const library = text.match(/([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/)?.[1];
  if (library) return { failure: 'missing-library', reason: `missing library ${library}${libraryHint(library)}` };
  if (/The specified module could not be found/i.test(text)) {
    return { failure: 'missing-library', reason: 'a DLL the addon needs is missing (the CUDA runtime on PATH, or vulkan-1.dll from a GPU driver)' };
  }
  if (/driver version is insufficient|cudaErrorInsufficientDriver|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH/i.test(text)) {
    return { failure: 'driver-too-old', reason: 'the NVIDIA driver is too old for the CUDA runtime this addon was built with; update the driver' };
  }
  const glibc = text.match(/version `(GLIBC(?:XX)?_[\d.]+)' not found/)?.[1];
  if (glibc) return { failure: 'load-failed', reason: `the system C/C++ library is too old (needs ${glibc})` };
  return undefined;
}

function libraryHint(library: string): string {
  if (/^libcu(dart|blas|blasLt)\.so\.(\d+)/.test(library)) {
    const major = library.match(/\.so\.(\d+)/)?.[1];
    return ` (the CUDA ${major} runtime: install the CUDA ${major} toolkit or put its libraries on LD_LIBRARY_PATH)`;
  }
  if (library.startsWith('libcuda.so')) return ' (the NVIDIA driver is not installed)';
  if (library.startsWith('libvulkan.so')) return ' (the Vulkan loader: apt install libvulkan1)';
  return '';
}

function failed(failure: ProbeFailureKind, reason: string): ProbeResult {
  return { ok: false, failure, reason, devices: [] };
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim()) ?? text).trim().slice(0, 300);
}

function lastLine(text: string | null | undefined): string {
  const line = (text ?? '').trim().split('\n').pop()?.trim();
  return line ? `: ${line.slice(0, 300)}` : '';
}
