import type { DownloadProgress } from '@gpt4all/download';
import { ProgressBar } from './progress-bar.js';
import { ProgressLines } from './progress-lines.js';

/** Shows a download's progress reports (`@gpt4all/download`'s `onProgress`) to a person. */
export interface DownloadReporter {
  /** Takes one report: phase, bytes, total, speed (bytes/s), eta (s). */
  update(progress: DownloadProgress): void;
  /** Ends the display (the bar's line is left as it was last drawn); safe to call twice. */
  finish(): void;
}

/**
 * A progress bar redrawn in place when `stream` is a terminal; otherwise (a pipe, a log file)
 * plain lines, one per tenth of the file or per few seconds, that read well in CI logs.
 */
export function createDownloadReporter(label: string, stream: NodeJS.WriteStream = process.stderr): DownloadReporter {
  return stream.isTTY ? new ProgressBar(label, stream) : new ProgressLines(label, stream);
}
