import type { DownloadPhase, DownloadProgress } from '@gpt4all/download';
import { formatBytes } from '../format-bytes.js';
import { formatDuration } from '../format-duration.js';
import { DOWNLOAD_PHASE_LABEL } from './download-phase-label.js';
import type { DownloadReporter } from './download-reporter.js';

/** A line at least every this many percent of the file... */
const STEP_PERCENT = 10;
/** ...or after this long without one (ms), for slow links. */
const MAX_SILENCE_MS = 5000;

/**
 * Download progress as plain lines, for a stderr that is not a terminal (a pipe, CI logs):
 * `name: downloading 30% (1.2 MiB of 4.0 MiB, 3.1 MiB/s, ETA 1s)`, one line at each phase change,
 * then at each further tenth of the file or every 5 seconds, whichever comes first.
 */
export class ProgressLines implements DownloadReporter {
  readonly #label: string;
  readonly #stream: NodeJS.WritableStream;
  #phase: DownloadPhase | undefined;
  #lastStep = -1;
  #lastLineAt = 0;
  #finished = false;

  constructor(label: string, stream: NodeJS.WritableStream) {
    this.#label = label;
    this.#stream = stream;
  }

  update(progress: DownloadProgress): void {
    if (this.#finished) return;
    const now = Date.now();
    const percent = progress.total ? Math.floor((progress.bytes / progress.total) * 100) : undefined;
    const step = percent === undefined ? -1 : Math.floor(percent / STEP_PERCENT);
    const newPhase = progress.phase !== this.#phase;
    if (!newPhase && step <= this.#lastStep && now - this.#lastLineAt < MAX_SILENCE_MS) return;
    this.#phase = progress.phase;
    this.#lastStep = step;
    this.#lastLineAt = now;
    this.#stream.write(`${this.#label}: ${describe(progress, percent)}\n`);
  }

  finish(): void {
    this.#finished = true;
  }
}

function describe(progress: DownloadProgress, percent: number | undefined): string {
  const phase = DOWNLOAD_PHASE_LABEL[progress.phase];
  if (progress.phase === 'waiting') return phase;
  // Hashing has no transfer speed to show.
  if (progress.phase === 'verifying') return `${phase} (checksum)`;
  const speed = `${formatBytes(progress.speed)}/s`;
  if (percent === undefined) return `${phase} ${formatBytes(progress.bytes)} (${speed})`;
  return `${phase} ${percent}% (${formatBytes(progress.bytes)} of ${formatBytes(progress.total!)}, ${speed}, ETA ${formatDuration(progress.eta)})`;
}
