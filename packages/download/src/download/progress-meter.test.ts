import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressMeter, type DownloadProgress } from './progress-meter.js';

describe('ProgressMeter', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('reports at most once per interval, and the count held back when the interval ends (a stalled transfer shows how far it got)', () => {
    const reports: DownloadProgress[] = [];
    const meter = new ProgressMeter((progress) => reports.push(progress), 100);
    meter.total = 1000;
    vi.advanceTimersByTime(100);
    meter.update(100);
    meter.update(200);
    meter.update(300);
    expect(reports.map((r) => r.bytes)).toEqual([100]);
    vi.advanceTimersByTime(100);
    expect(reports.map((r) => r.bytes)).toEqual([100, 300]);
    expect(reports[1]!.speed).toBeGreaterThan(0);
    vi.advanceTimersByTime(1000);
    expect(reports).toHaveLength(2);
  });

  it('reports nothing after stop()', () => {
    const reports: DownloadProgress[] = [];
    const meter = new ProgressMeter((progress) => reports.push(progress), 100);
    meter.setPhase('downloading', 0);
    meter.update(50);
    meter.stop();
    vi.advanceTimersByTime(500);
    expect(reports.map((r) => r.bytes)).toEqual([0]);
  });
});
