import type { BenchConfig } from './config.js';
import { waitForQuiet, withContention } from './cpu-contention.js';

/** How much other processes disturbed one measurement, in cores they kept busy on average. */
export interface ContentionEntry {
  measurement: string;
  /** Just before it started, after waiting for a quiet moment (null where it cannot be read). */
  otherCoresBefore: number | null;
  /** While it ran: the figure that says whether it can be trusted. */
  otherCoresDuring: number | null;
  /** It ran again because the first attempt was disturbed; this is the second attempt. */
  repeated: boolean;
}

/**
 * Runs each measurement of a shared machine's quiet moments: it waits a while for other processes
 * to calm down, measures how much CPU they took during the measurement, and runs a disturbed
 * measurement once more while the run is within its time budget. Only the kept attempt's samples
 * reach the results; `entries` says how disturbed each was.
 */
export class MeasurementGuard {
  readonly entries: ContentionEntry[] = [];
  #waitedMs = 0;
  #quiet: BenchConfig['quiet'];
  #startedAt: number;
  #log: (line: string) => void;

  constructor(quiet: BenchConfig['quiet'], startedAt: Date, log: (line: string) => void) {
    this.#quiet = quiet;
    this.#startedAt = startedAt.getTime();
    this.#log = log;
  }

  /**
   * Measures `measure` at a quiet moment, again if other processes disturbed it. `ownPids`: running
   * processes that are part of the measurement (RPC workers), whose CPU is not contention.
   */
  async run<T>(label: string, measure: () => Promise<T>, ownPids: readonly number[] = []): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const before = await this.#settle();
      this.#log(attempt === 0 ? label : `${label} (again)`);
      const { result, otherCores } = await withContention(measure, ownPids);
      const disturbed = otherCores !== undefined && otherCores > this.#quiet.disturbedCores;
      const canRepeat = attempt === 0 && (Date.now() - this.#startedAt) / 1000 < this.#quiet.repeatUntilSeconds;
      if (disturbed && canRepeat) {
        this.#log(`other processes used ${otherCores} cores during it: measuring again`);
        continue;
      }
      this.entries.push({ measurement: label, otherCoresBefore: before ?? null, otherCoresDuring: otherCores ?? null, repeated: attempt > 0 });
      return result;
    }
  }

  /** Waits for a quiet moment, within the run's waiting budget. */
  async #settle(): Promise<number | undefined> {
    const budget = Math.max(0, this.#quiet.totalWaitSeconds * 1000 - this.#waitedMs);
    const started = Date.now();
    const cores = await waitForQuiet({
      threshold: this.#quiet.thresholdCores,
      sampleMs: this.#quiet.sampleMs,
      maxWaitMs: Math.min(this.#quiet.maxWaitSeconds * 1000, budget),
      onWait: (c) => this.#log(`other processes keep ${c} cores busy; waiting for a quieter moment`),
    });
    this.#waitedMs += Date.now() - started;
    return cores;
  }
}
