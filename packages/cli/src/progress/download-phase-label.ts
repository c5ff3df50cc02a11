import type { DownloadPhase } from '@gpt4all/download';

/** What each phase of a download is called on screen. */
export const DOWNLOAD_PHASE_LABEL: Readonly<Record<DownloadPhase, string>> = {
  waiting: 'waiting for another download',
  resuming: 'checking partial download',
  downloading: 'downloading',
  verifying: 'verifying',
};
