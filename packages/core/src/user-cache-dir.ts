import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The folder for this project's caches on this machine: `%LOCALAPPDATA%\gpt4all` on Windows,
 * `~/Library/Caches/gpt4all` on macOS, else `$XDG_CACHE_HOME/gpt4all` (when absolute, as the XDG
 * spec says) or `~/.cache/gpt4all`. Nothing is created.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'gpt4all');
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'gpt4all');
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'gpt4all');
}
