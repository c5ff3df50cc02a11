import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { abortableDelay, throwIfAborted } from '../control/abort-signal.js';
import { LockLostError } from '../errors/lock-lost-error.js';

/** Content of a lock file: who holds it. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** Random id of this acquisition; distinguishes two holders with the same pid. */
  token: string;
  createdAt: string;
}

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Stops waiting with an `AbortedError`. */
  signal?: AbortSignal;
  /**
   * A lock whose heartbeat (file mtime) is older than this is stale and taken
   * over, even when its pid looks alive (the pid may have been reused).
   * Default 30 000 ms.
   */
  staleMs?: number;
  /** How often the holder refreshes its heartbeat. Default `staleMs / 3`. */
  heartbeatMs?: number;
  /** Called once, when the lock is busy and this caller starts waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/** A held lock. Call {@link FileLock.release} when done. */
export interface FileLock {
  readonly path: string;
  readonly token: string;
  /** Throws {@link LockLostError} when another process has taken the lock over. */
  assertHeld(): Promise<void>;
  /** Removes the lock file if this holder still owns it. Idempotent. */
  release(): Promise<void>;
}

interface LockSnapshot {
  raw: string;
  holder: LockHolder | undefined;
  mtimeMs: number;
}

const MIN_POLL_MS = 50;
const MAX_POLL_MS = 1000;

/**
 * Takes an exclusive, cross-process lock represented by the file `path`.
 *
 * The lock file is created atomically with its content (hard link of a
 * complete temporary file), so a reader never sees it half-written. While the
 * lock is held a heartbeat refreshes its mtime. A waiter takes a lock over
 * when its holder is dead (same host, pid gone) or its heartbeat is older
 * than `staleMs`; the takeover renames the stale file aside first and checks
 * it moved the file it judged stale, so two waiters cannot both win.
 */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<FileLock> {
  const staleMs = options.staleMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.floor(staleMs / 3));
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    token: randomBytes(12).toString('hex'),
    createdAt: new Date().toISOString(),
  };
  const content = JSON.stringify(holder);
  let pollMs = MIN_POLL_MS;
  let waiting = false;
  for (;;) {
    throwIfAborted(options.signal);
    if (await tryCreate(path, content, holder.token)) return startHolding(path, holder.token, heartbeatMs);
    const snapshot = await readSnapshot(path);
    if (snapshot === undefined) continue; // released between our two calls
    if (isStale(snapshot, staleMs)) {
      if (await takeOver(path, snapshot, holder.token)) continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(snapshot.holder);
    }
    await abortableDelay(pollMs, options.signal);
    pollMs = Math.min(MAX_POLL_MS, Math.ceil(pollMs * 1.5));
  }
}

async function tryCreate(path: string, content: string, token: string): Promise<boolean> {
  const temp = `${path}.${token}.tmp`;
  await writeFile(temp, content, { flag: 'w' });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // File systems without hard links: exclusive create, then write.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errorCode(error) ?? '')) throw error;
    return createExclusive(path, content);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readSnapshot(path: string): Promise<LockSnapshot | undefined> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, holder: parseHolder(raw), mtimeMs: info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.hostname === 'string') {
      return value as LockHolder;
    }
  } catch {
    // Written by something else, or truncated: judged by its age only.
  }
  return undefined;
}

function isStale(snapshot: LockSnapshot, staleMs: number): boolean {
  if (Date.now() - snapshot.mtimeMs > staleMs) return true;
  const holder = snapshot.holder;
  return holder !== undefined && holder.hostname === hostname() && !isProcessAlive(holder.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

async function takeOver(path: string, stale: LockSnapshot, token: string): Promise<boolean> {
  const aside = `${path}.${token}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true; // someone else removed it; try to create again
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved === stale.raw) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // We moved a fresh lock created after our inspection: put it back unless
  // the slot has been filled again meanwhile.
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

function startHolding(path: string, token: string, heartbeatMs: number): FileLock {
  let released = false;
  const ownsLock = async (): Promise<boolean> => (await readSnapshot(path))?.holder?.token === token;
  const timer = setInterval(() => {
    void (async () => {
      // Only refresh a file that is still ours; never extend another holder's lock.
      if (released || !(await ownsLock())) return;
      const now = new Date();
      await utimes(path, now, now);
    })().catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  return {
    path,
    token,
    async assertHeld() {
      if (!(await ownsLock())) throw new LockLostError({ lockPath: path });
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (await ownsLock().catch(() => false)) await unlink(path).catch(() => undefined);
    },
  };
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}
