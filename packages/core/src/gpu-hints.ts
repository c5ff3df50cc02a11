import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** A cheap finding about the machine, with the evidence behind it. */
export interface Hint {
  present: boolean;
  /** Where it was found, or what was looked at, in words: "/proc/driver/nvidia/version", ... */
  detail: string;
}

/**
 * What the machine offers to GPU variants, found without loading any addon or starting any
 * process: a few file reads. The resolver uses it to skip a GPU variant with a precise reason
 * before spending a child process on it; `gpt4all-doctor` prints it.
 */
export interface GpuHints {
  /** An NVIDIA kernel driver or its user-space library (`libcuda.so.1`, `nvcuda.dll`). */
  nvidiaDriver: Hint & { version?: string };
  /** The Vulkan loader (`libvulkan.so.1`, `vulkan-1.dll`). */
  vulkanLoader: Hint;
  /** DRM render nodes (`/dev/dri/renderD*`): any GPU with a kernel driver, Linux only. */
  renderNodes: string[];
  /** The CPU model, as the OS names it. */
  cpuModel: string;
  /**
   * Changes whenever the libraries the loader can find may have changed (the loader cache's
   * mtime, `LD_LIBRARY_PATH`, `PATH` on Windows). Part of the probe cache key, so installing a
   * missing CUDA runtime invalidates a cached "library missing".
   */
  librariesStamp: string;
}

/** Reads {@link GpuHints} for this machine (a few file reads, no processes). */
export function gpuHints(env: NodeJS.ProcessEnv = process.env): GpuHints {
  return {
    nvidiaDriver: nvidiaDriver(env),
    vulkanLoader: vulkanLoader(env),
    renderNodes: renderNodes(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    librariesStamp: librariesStamp(env),
  };
}

function nvidiaDriver(env: NodeJS.ProcessEnv): GpuHints['nvidiaDriver'] {
  if (process.platform === 'linux') {
    const version = readText('/proc/driver/nvidia/version')?.match(/Kernel Module\s+(?:for \S+\s+)?([\d.]+)/)?.[1];
    if (version) return { present: true, version, detail: `NVIDIA kernel driver ${version} (/proc/driver/nvidia/version)` };
    // Containers often get libcuda from the host without the /proc entry.
    const lib = findLinuxLibrary('libcuda.so.1', env);
    if (lib) return { present: true, detail: `libcuda.so.1 found (${lib})` };
    return { present: false, detail: 'no NVIDIA driver: no /proc/driver/nvidia/version and no libcuda.so.1 for the dynamic loader' };
  }
  if (process.platform === 'win32') {
    const dll = join(systemRoot(env), 'System32', 'nvcuda.dll');
    return existsSync(dll) ? { present: true, detail: `${dll} found` } : { present: false, detail: `no NVIDIA driver: ${dll} is missing` };
  }
  return { present: false, detail: `NVIDIA CUDA is not offered on ${process.platform}` };
}

function vulkanLoader(env: NodeJS.ProcessEnv): Hint {
  if (process.platform === 'linux') {
    const lib = findLinuxLibrary('libvulkan.so.1', env);
    return lib ? { present: true, detail: `libvulkan.so.1 found (${lib})` } : { present: false, detail: 'no Vulkan loader: libvulkan.so.1 is not installed (Debian/Ubuntu: apt install libvulkan1)' };
  }
  if (process.platform === 'win32') {
    const dll = join(systemRoot(env), 'System32', 'vulkan-1.dll');
    return existsSync(dll) ? { present: true, detail: `${dll} found` } : { present: false, detail: `no Vulkan loader: ${dll} is missing (GPU drivers install it)` };
  }
  return { present: false, detail: `Vulkan is not offered on ${process.platform}` };
}

function renderNodes(): string[] {
  if (process.platform !== 'linux') return [];
  try {
    return readdirSync('/dev/dri')
      .filter((name) => name.startsWith('renderD'))
      .map((name) => `/dev/dri/${name}`);
  } catch {
    return [];
  }
}

const loaderCache = '/etc/ld.so.cache';
const linuxLibraryDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib', '/usr/lib/wsl/lib'];

/**
 * Where the dynamic loader would find `soname`: `LD_LIBRARY_PATH`, then the loader cache
 * (`ldconfig`'s binary file names every library by soname, so a substring search is enough),
 * then the usual directories. Reading the cache is much cheaper than running `ldconfig -p`.
 */
function findLinuxLibrary(soname: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, soname))) return join(dir, soname);
  }
  try {
    if (readFileSync(loaderCache).includes(soname)) return `${loaderCache} lists it`;
  } catch {
    // No loader cache (some minimal images): fall through to the directories.
  }
  return linuxLibraryDirs.map((dir) => join(dir, soname)).find((path) => existsSync(path));
}

function librariesStamp(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return `PATH=${env.PATH ?? env.Path ?? ''}`;
  let cacheTime = 'none';
  try {
    cacheTime = String(statSync(loaderCache).mtimeMs);
  } catch {
    // No loader cache: the stamp is the library path alone.
  }
  return `ld.so.cache@${cacheTime};LD_LIBRARY_PATH=${env.LD_LIBRARY_PATH ?? ''}`;
}

function systemRoot(env: NodeJS.ProcessEnv): string {
  return env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
