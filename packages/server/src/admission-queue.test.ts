import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from './admission-queue.js';

const never = new AbortController().signal;

describe('AdmissionQueue', () => {
  it('admits `parallel` at once, queues `maxQueue` in arrival order, refuses the rest with 429 and Retry-After', async () => {
    const states: { running: number; waiting: number }[] = [];
    const queue = new AdmissionQueue(2, 2, (state) => states.push(state));
    const a = await queue.acquire(never);
    const b = await queue.acquire(never);
    const order: string[] = [];
    const c = queue.acquire(never).then((release) => (order.push('c'), release));
    const d = queue.acquire(never).then((release) => (order.push('d'), release));
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
    await expect(queue.acquire(never)).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded', headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });

    a();
    a(); // releasing twice frees one slot
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
    expect(states.at(-1)).toEqual({ running: 0, waiting: 0 });
    expect(Math.max(...states.map((s) => s.waiting))).toBe(2);
  });

  it('takes a waiting request out of the queue when its signal aborts, with the signal’s reason', async () => {
    const queue = new AdmissionQueue(1, 1);
    const release = await queue.acquire(never);
    const leaving = new AbortController();
    const waiting = queue.acquire(leaving.signal);
    expect(queue.waiting).toBe(1);
    leaving.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(queue.waiting).toBe(0);
    // Its place is free again, and the slot goes to the next one.
    const next = queue.acquire(never);
    release();
    (await next)();
    expect(queue.running).toBe(0);
    await expect(queue.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('with maxQueue 0, refuses whatever cannot run at once', async () => {
    const queue = new AdmissionQueue(1, 0);
    const release = await queue.acquire(never);
    await expect(queue.acquire(never)).rejects.toMatchObject({ status: 429 });
    release();
    (await queue.acquire(never))();
  });
});
