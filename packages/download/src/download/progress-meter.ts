/** What a download is doing when it reports progress. */
export type DownloadPhase =
  /** Another process holds the lock; `bytes` is 0. */
  | 'waiting'
  /** Re-hashing the bytes of an existing `.part` file before resuming; `bytes` counts hashed bytes. */
  | 'resuming'
  /** Receiving; `bytes` counts bytes of the file present so far (resumed bytes included). */
  | 'downloading'
  /** Hashing a complete file (an existing model, or the end of the digest). */
  | 'verifying';

/** A progress report. */
export interface DownloadProgress {
  phase: DownloadPhase;
  /** Bytes done in this phase (see {@link DownloadPhase}). */
  bytes: number;
  /** Expected total bytes, when known. */
  total: number | undefined;
  /** Recent throughput in bytes per second (sliding window of a few seconds). */
  speed: number;
  /** Estimated seconds left, when `total` and `speed` allow it. */
  eta: number | undefined;
  /** Bytes that came from a previous attempt's `.part` file instead of the network. */
  resumedFrom: number;
}

const WINDOW_MS = 3000;

/**
 * Turns byte counters into throttled progress reports with speed and ETA.
 * Reports at most every `intervalMs`, plus forced ones (phase changes, end). A count held back
 * is reported when the interval ends, so a transfer that stalls still shows how far it got;
 * {@link ProgressMeter.stop} ends that once the download is over.
 */
export class ProgressMeter {
  private samples: { time: number; bytes: number }[] = [];
  private lastEmit = 0;
  private phase: DownloadPhase = 'downloading';
  private held: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (progress: DownloadProgress) => void,
    private readonly intervalMs = 100,
  ) {}

  total: number | undefined;
  resumedFrom = 0;

  /** Switches phase (resetting the speed window) and reports immediately. */
  setPhase(phase: DownloadPhase, bytes: number): void {
    this.phase = phase;
    this.samples = [];
    this.update(bytes, true);
  }

  /** Records `bytes` done; reports now when the interval has passed or `force` is set, else when it ends. */
  update(bytes: number, force = false): void {
    const now = performance.now();
    const wait = this.intervalMs - (now - this.lastEmit);
    if (!force && wait > 0) {
      this.held = bytes;
      // unref: a pending report never keeps the process alive.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (this.held !== undefined) this.update(this.held, true);
      }, wait).unref();
      return;
    }
    this.stop();
    this.lastEmit = now;
    this.samples.push({ time: now, bytes });
    while (this.samples.length > 2 && now - (this.samples[0] as { time: number }).time > WINDOW_MS) this.samples.shift();
    const first = this.samples[0] as { time: number; bytes: number };
    const elapsed = (now - first.time) / 1000;
    const speed = elapsed > 0 ? Math.max(0, (bytes - first.bytes) / elapsed) : 0;
    const remaining = this.total === undefined ? undefined : Math.max(0, this.total - bytes);
    const eta = remaining === undefined ? undefined : remaining === 0 ? 0 : speed > 0 ? remaining / speed : undefined;
    this.emit({ phase: this.phase, bytes, total: this.total, speed, eta, resumedFrom: this.resumedFrom });
  }

  /** Drops a count held back (the download is over: nothing is reported after its end). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
  }
}
