import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProbeResult } from './backend-probe.js';
import { userCacheDir } from './user-cache-dir.js';
import type { GpuHints } from './gpu-hints.js';

/** What a probe result depends on: the addon exactly, and the machine. */
export interface ProbeKey {
  packageName: string;
  version: string;
  binaryPath: string;
  hints: GpuHints;
}

interface CacheEntry {
  packageName: string;
  version: string;
  probedAt: string;
  result: ProbeResult;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CacheEntry>;
}

/** Past this many entries the oldest go: one per package version and machine state. */
const maxEntries = 64;

/**
 * The probe cache file: `GPT4ALL_PROBE_CACHE` when set to a path (`off` disables the cache),
 * else `backend-probe.json` in the user cache directory (`$XDG_CACHE_HOME/gpt4all`,
 * `~/Library/Caches/gpt4all`, `%LOCALAPPDATA%\gpt4all`, or `~/.cache/gpt4all`).
 */
export function probeCachePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.GPT4ALL_PROBE_CACHE?.trim();
  if (setting === 'off' || setting === '0') return undefined;
  if (setting) return setting;
  return join(userCacheDir(env), 'backend-probe.json');
}

/**
 * The cache key: the package and version, the `.node` file's size and mtime (a rebuild in a
 * checkout keeps the version), and what on the machine can change the answer: host, CPU,
 * NVIDIA driver version, and the libraries the loader can see. Installing the CUDA runtime or
 * a new driver therefore re-probes; starting the same process again does not.
 */
/** Environment variables that change which GPU devices a probe can see. */
const deviceSelectionVariables = ['CUDA_VISIBLE_DEVICES', 'GGML_VK_VISIBLE_DEVICES', 'VK_DRIVER_FILES', 'VK_ICD_FILENAMES'];

export function probeCacheKey(key: ProbeKey): string {
  let binary = 'missing';
  try {
    const stat = statSync(key.binaryPath);
    binary = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // An unreadable binary gets a key of its own; the probe then says why it does not load.
  }
  const parts = [
    key.packageName,
    key.version,
    key.binaryPath,
    binary,
    hostname(),
    `${process.platform}-${process.arch}`,
    key.hints.cpuModel,
    key.hints.nvidiaDriver.version ?? String(key.hints.nvidiaDriver.present),
    String(key.hints.vulkanLoader.present),
    key.hints.renderNodes.join(','),
    key.hints.librariesStamp,
    // Which devices a GPU runtime may see is part of the answer, so these select a cache entry too.
    ...deviceSelectionVariables.map((name) => `${name}=${process.env[name] ?? ''}`),
  ];
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/**
 * Runs `probe` unless `file` holds a result for `key`; stores a new result. The cache is an
 * optimisation only: an unreadable, corrupt or read-only cache means probing again, never an
 * error.
 */
export function cachedProbe(file: string | undefined, key: ProbeKey, probe: () => ProbeResult): ProbeResult & { cached: boolean } {
  if (!file) return { ...probe(), cached: false };
  const id = probeCacheKey(key);
  const cache = readCache(file);
  const hit = cache.entries[id];
  if (hit) return { ...hit.result, cached: true };
  const result = probe();
  cache.entries[id] = { packageName: key.packageName, version: key.version, probedAt: new Date().toISOString(), result };
  writeCache(file, cache);
  return { ...result, cached: false };
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed.version === 1 && typeof parsed.entries === 'object' && parsed.entries !== null) return parsed;
  } catch {
    // Missing or corrupt: start over.
  }
  return { version: 1, entries: {} };
}

function writeCache(file: string, cache: CacheFile): void {
  const entries = Object.entries(cache.entries)
    .sort(([, a], [, b]) => b.probedAt.localeCompare(a.probedAt))
    .slice(0, maxEntries);
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename, so a concurrent reader sees the old file or the new one, never half.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, entries: Object.fromEntries(entries) }, null, 2)}\n`);
    renameSync(temporary, file);
  } catch {
    // A read-only home directory: the next start probes again.
  }
}
