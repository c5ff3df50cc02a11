import { userCacheDir } from '@gpt4all/core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConvertError } from './convert-error.js';
import { packageFile } from './package-files.js';
import { runProcess } from './run-process.js';

/** Options of {@link prepareConverterEnvironment}. */
export interface ConverterEnvironmentOptions {
  /** The Python (3.10 or newer, with `venv`) to create the environment with. Default: `$GPT4ALL_PYTHON`, else `python3` (`python` on Windows). */
  python?: string;
  /** The folder that holds the environments. Default: `python` in the user cache folder (`~/.cache/gpt4all/python` on Linux). */
  cacheDir?: string;
  /** Aborts the preparation; nothing half-installed is kept. */
  signal?: AbortSignal;
  /** Each line venv and pip print, as they come. */
  onLog?: (line: string) => void;
}

/** A Python environment with the converter's pinned requirements installed. */
export interface ConverterEnvironment {
  /** Its Python executable. */
  python: string;
  /** Its folder: `convert-<hash>` under the cache folder, one per requirements file and base Python. */
  dir: string;
  /** Whether this call created it (false: an earlier one had, and it was reused). */
  created: boolean;
}

/** Written last into a finished environment: a folder without it is not used. */
const READY_MARKER = '.gpt4all-ready';

/**
 * Returns the Python environment that `gpt4all convert` runs llama.cpp's converter in, creating
 * it on first use: a venv under the cache folder with this package's `python/requirements.txt`
 * installed from PyPI (torch, transformers, sentencepiece, numpy, ... at exact versions; PyPI's
 * Linux torch wheel brings about 5 GB of CUDA libraries, once). It is built in a staging folder
 * and renamed into place when complete, so an interrupted or failed install leaves nothing that
 * a later call would trust. Two processes preparing at once both succeed; one of their copies is kept.
 * @throws {ConvertError} `ERR_PYTHON_UNAVAILABLE` (no usable Python, or no `venv` module),
 *   `ERR_PYTHON_ENVIRONMENT` (pip failed; `log` has its output), `ERR_ABORTED`.
 */
export async function prepareConverterEnvironment(options: ConverterEnvironmentOptions = {}): Promise<ConverterEnvironment> {
  const basePython = options.python ?? process.env.GPT4ALL_PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
  const base = await describePython(basePython, options.signal);
  const requirements = packageFile('python/requirements.txt');
  const key = createHash('sha256').update(readFileSync(requirements)).update(`\0${base.executable}\0${base.version}`).digest('hex').slice(0, 12);
  const root = options.cacheDir ?? join(userCacheDir(), 'python');
  const dir = join(root, `convert-${key}`);
  const python = venvPython(dir);
  if (existsSync(join(dir, READY_MARKER))) return { python, dir, created: false };

  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    options.onLog?.(`creating a Python ${base.version} environment in ${dir}`);
    const venv = await runProcess(base.executable, ['-m', 'venv', staging], { signal: options.signal, onLine: options.onLog });
    checkAborted(options.signal, dir);
    if (venv.code !== 0) {
      const hint = /ensurepip/.test(venv.tail) ? ' (on Debian and Ubuntu: apt install python3-venv)' : '';
      throw new ConvertError('ERR_PYTHON_UNAVAILABLE', `${base.executable} could not create a virtual environment${hint}`, { input: dir, log: venv.tail });
    }
    const pip = await runProcess(
      venvPython(staging),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', requirements],
      { signal: options.signal, onLine: options.onLog },
    );
    checkAborted(options.signal, dir);
    if (pip.code !== 0) {
      throw new ConvertError('ERR_PYTHON_ENVIRONMENT', `pip could not install the converter's requirements (${requirements}) from PyPI`, {
        input: dir,
        log: pip.tail,
      });
    }
    writeFileSync(join(staging, READY_MARKER), `${new Date().toISOString()}\n`);
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first: use its environment.
      if (!existsSync(join(dir, READY_MARKER))) throw error;
    }
    return { python, dir, created: true };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The Python executable inside a venv folder. */
function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/** The absolute executable and `major.minor` version of `python`, which must be 3.10 or newer and have `venv`. */
async function describePython(python: string, signal: AbortSignal | undefined): Promise<{ executable: string; version: string }> {
  const unavailable = (why: string, log?: string): ConvertError =>
    new ConvertError('ERR_PYTHON_UNAVAILABLE', `${why}; install Python 3.10 or newer (with venv), or name one with --python or GPT4ALL_PYTHON`, {
      input: python,
      log,
    });
  let outcome;
  try {
    outcome = await runProcess(python, ['-c', 'import sys, venv; print(sys.executable); print("%d.%d" % sys.version_info[:2])'], { signal });
  } catch (error) {
    throw unavailable(`cannot run ${python} (${(error as Error).message})`);
  }
  checkAborted(signal, python);
  const [executable, version] = outcome.tail.split('\n').slice(-2);
  if (outcome.code !== 0 || !executable || !version) throw unavailable(`${python} has no venv module or did not start`, outcome.tail);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major !== 3 || minor < 10) throw unavailable(`${python} is Python ${version}; the converter needs 3.10 or newer`);
  return { executable, version };
}

/** @throws {ConvertError} `ERR_ABORTED` when `signal` was aborted. */
export function checkAborted(signal: AbortSignal | undefined, input: string): void {
  if (signal?.aborted) throw new ConvertError('ERR_ABORTED', 'the conversion was aborted', { input, cause: signal.reason });
}
