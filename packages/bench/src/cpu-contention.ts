// How much CPU other processes take while the harness measures. On a shared 2-core machine this
// decides whether a measurement means anything, so the harness waits for quiet moments, measures
// the contention during every measurement, and repeats a disturbed one (see run-bench.ts).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Machine-wide busy and total CPU time (all cores), and this process's own, in clock ticks. */
interface Ticks {
  busy: number;
  total: number;
  /** The harness and its waited-for children (cutime/cstime include every engine process and tool). */
  own: number;
}

/**
 * Runs `work` and returns how many cores other processes kept busy during it, on average:
 * machine-wide busy time minus the harness's own and its children's (Linux; undefined elsewhere).
 * `ownPids` are running processes that take part in the measurement (RPC workers), counted as own.
 */
export async function withContention<T>(work: () => Promise<T>, ownPids: readonly number[] = []): Promise<{ result: T; otherCores: number | undefined }> {
  const before = readTicks(ownPids);
  const result = await work();
  const after = readTicks(ownPids);
  return { result, otherCores: before && after ? otherCores(before, after) : undefined };
}

/** How many cores other processes keep busy over the next `ms` milliseconds (the harness idles). */
export async function idleContention(ms: number): Promise<number | undefined> {
  return (await withContention(() => sleep(ms))).otherCores;
}

/**
 * Waits, at most `maxWaitMs`, until other processes use fewer than `threshold` cores, so that a
 * measurement does not start in the middle of someone else's build. Returns the last reading.
 */
export async function waitForQuiet(options: { threshold: number; maxWaitMs: number; sampleMs: number; onWait?: (cores: number) => void }): Promise<number | undefined> {
  const started = Date.now();
  let cores = await idleContention(options.sampleMs);
  let told = false;
  while (cores !== undefined && cores > options.threshold && Date.now() - started < options.maxWaitMs) {
    if (!told) options.onWait?.(cores);
    told = true;
    cores = await idleContention(2000);
  }
  return cores;
}

function otherCores(before: Ticks, after: Ticks): number | undefined {
  const total = after.total - before.total;
  const cores = readCoreCount();
  if (!(total > 0) || cores === 0) return undefined;
  const others = Math.max(0, after.busy - before.busy - (after.own - before.own));
  // `total` counts every core's ticks: total / cores is the wall time in ticks.
  return Math.round((others / (total / cores)) * 100) / 100;
}

/** utime + stime + cutime + cstime of a /proc/<pid>/stat (the name, field 2, may hold spaces). */
function processTicks(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return fields[11]! + fields[12]! + fields[13]! + fields[14]!;
}

function readTicks(ownPids: readonly number[] = []): Ticks | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = cpu[3]! + cpu[4]!;
    const total = cpu.reduce((a, b) => a + b, 0);
    const own = processTicks('self') + ownPids.reduce((sum, pid) => sum + processTicks(pid), 0);
    return { busy: total - idle, total, own };
  } catch {
    return undefined;
  }
}

function readCoreCount(): number {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).length;
  } catch {
    return 0;
  }
}
