import type { DownloadPhase, DownloadProgress } from '@gpt4all/download';
import cliProgress, { type Options, type Params, type SingleBar } from 'cli-progress';
import { formatBytes } from '../format-bytes.js';
import { formatDuration } from '../format-duration.js';
import { DOWNLOAD_PHASE_LABEL } from './download-phase-label.js';
import type { DownloadReporter } from './download-reporter.js';

// cli-progress is CommonJS: Node gives ESM importers its `module.exports` as the default export only.

/** What the bar's line shows besides the bar itself. */
interface BarPayload {
  label: string;
  phase: DownloadPhase;
  bytes: number;
  total: number | undefined;
  speed: number;
  eta: number | undefined;
}

/**
 * A download progress bar on a terminal (cli-progress), redrawn in place at most 10 times a
 * second: `name  downloading ███░░░  42% | 1.20 GiB / 2.86 GiB | 35.2 MiB/s | ETA 48s`. Without a
 * known total it shows the bytes and speed only.
 */
export class ProgressBar implements DownloadReporter {
  readonly #bar: SingleBar;
  #started = false;
  #finished = false;
  #label: string;

  constructor(label: string, stream: NodeJS.WriteStream) {
    this.#label = label;
    this.#bar = new cliProgress.SingleBar({
      stream,
      format: renderLine,
      barsize: 24,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      // The commands handle Ctrl-C themselves (an interrupted pull must keep its partial file and exit 130).
      gracefulExit: false,
      linewrap: false,
      fps: 10,
    });
  }

  update(progress: DownloadProgress): void {
    if (this.#finished) return;
    const payload: BarPayload = { label: this.#label, ...progress };
    const total = progress.total ?? 0;
    if (!this.#started) {
      this.#started = true;
      this.#bar.start(total, progress.bytes, payload);
      return;
    }
    if (total !== this.#bar.getTotal()) this.#bar.setTotal(total);
    this.#bar.update(progress.bytes, payload);
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#started) this.#bar.stop();
  }
}

function renderLine(options: Options, params: Params, payload: BarPayload): string {
  const phase = DOWNLOAD_PHASE_LABEL[payload.phase];
  if (payload.phase === 'waiting') return `${payload.label}  ${phase}`;
  const speed = `${formatBytes(payload.speed)}/s`;
  if (!params.total) return `${payload.label}  ${phase} ${formatBytes(payload.bytes)} | ${speed}`;
  const percent = `${Math.floor(params.progress * 100)}`.padStart(3);
  return [
    `${payload.label}  ${phase} ${cliProgress.Format.BarFormat(params.progress, options)} ${percent}%`,
    `${formatBytes(payload.bytes)} / ${formatBytes(params.total)}`,
    speed,
    `ETA ${formatDuration(payload.eta)}`,
  ].join(' | ');
}
