import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/**
 * Bytes of RAM a new allocation can get without swapping: `MemAvailable` of /proc/meminfo on
 * Linux (free memory plus the page cache and reclaimable slabs the kernel can drop), else
 * `os.freemem()`, which on Linux would leave out the page cache and so under-count.
 */
export function availableRam(): number {
  if (process.platform === 'linux') {
    try {
      const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // No /proc (a sandbox): fall back below.
    }
  }
  return freemem();
}
