/**
 * The exit statuses of `gpt4all`, for scripts to branch on:
 * - `ok` (0): done;
 * - `failure` (1): the command could not do its work (a missing model, a failed download, an
 *   engine error); the reason is on stderr as `error: <message> (<code>)`;
 * - `usage` (2): the command line itself is wrong (unknown option, missing argument, bad value);
 * - `interrupted` (130, 128 + SIGINT as shells report it): stopped by Ctrl-C (`pull` keeps its
 *   partial download for the next run).
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
