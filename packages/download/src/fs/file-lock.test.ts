import { spawn } from 'node:child_process';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { LockLostError } from '../errors/lock-lost-error.js';
import { listModelDir, makeTempDir, removeTempDir } from '../testing/temp-dir.js';
import { acquireFileLock } from './file-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('acquireFileLock', () => {
  it('is exclusive: a second caller waits until the first releases', async () => {
    const path = join(dir, 'm.lock');
    const first = await acquireFileLock(path);
    const holder = JSON.parse(await readFile(path, 'utf8')) as { pid: number; token: string };
    expect(holder).toMatchObject({ pid: process.pid, token: first.token });

    const waits: (number | undefined)[] = [];
    let acquired = false;
    const second = acquireFileLock(path, { onWait: (info) => waits.push(info?.pid) }).then((lock) => {
      acquired = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(acquired).toBe(false);
    expect(waits).toEqual([process.pid]);
    await first.release();
    const lock = await second;
    expect(lock.token).not.toBe(first.token);
    await lock.release();
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('takes over a lock whose holder process is dead', async () => {
    const path = join(dir, 'm.lock');
    await writeFile(path, JSON.stringify({ pid: await deadPid(), hostname: hostname(), token: 'dead', createdAt: '' }));
    const waits: unknown[] = [];
    const lock = await acquireFileLock(path, { onWait: (info) => waits.push(info) });
    expect(waits).toEqual([]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, token: lock.token });
    await lock.release();
  });

  it('takes over a lock whose heartbeat is too old, even with a live pid', async () => {
    const path = join(dir, 'm.lock');
    await writeFile(path, JSON.stringify({ pid: process.ppid, hostname: hostname(), token: 'old', createdAt: '' }));
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const lock = await acquireFileLock(path, { staleMs: 10_000 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: lock.token });
    await lock.release();
  });

  it('keeps a live lock fresh with its heartbeat', async () => {
    const path = join(dir, 'm.lock');
    const lock = await acquireFileLock(path, { staleMs: 300, heartbeatMs: 50 });
    const waiter = acquireFileLock(path, { staleMs: 300 });
    let taken = false;
    void waiter.then(() => {
      taken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(taken).toBe(false);
    await lock.release();
    await (await waiter).release();
  });

  it('reports a lost lock and never deletes the new holder', async () => {
    const path = join(dir, 'm.lock');
    const lock = await acquireFileLock(path);
    await writeFile(path, JSON.stringify({ pid: process.pid, hostname: hostname(), token: 'thief', createdAt: '' }));
    await expect(lock.assertHeld()).rejects.toSatisfy((error) => LockLostError.isInstance(error));
    await lock.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 'thief' });
  });

  it('stops waiting when aborted', async () => {
    const path = join(dir, 'm.lock');
    const lock = await acquireFileLock(path);
    const controller = new AbortController();
    const waiting = acquireFileLock(path, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await lock.release();
  });
});
