import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle } from './progress-throttle.js';

describe('ProgressThrottle', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('sends the first report at once, holds later ones to one per interval, and sends the latest held one when the interval ends', () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>((value) => sent.push(value), 100);
    throttle.push(1);
    throttle.push(2);
    throttle.push(3);
    expect(sent).toEqual([1]);
    // No more reports come (a stalled transfer): the last one still goes out.
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 3]);
  });

  it('sends a final report at once, dropping the one held back; cancel drops it too', () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>((value) => sent.push(value), 100);
    throttle.push(1);
    throttle.push(2);
    throttle.push(3, true);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([1, 3]);
    throttle.push(4);
    throttle.push(5);
    throttle.cancel();
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([1, 3, 4]);
  });
});
