import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Inputs of {@link defaultModelPath}; all default to the current process. */
export interface ModelPathOptions {
  /** Explicit directory; wins over everything else. */
  modelPath?: string;
  /** Environment to read `GPT4ALL_MODEL_PATH` and `XDG_CACHE_HOME` from. */
  env?: Record<string, string | undefined>;
  /** Home directory. */
  homedir?: string;
  /** Platform; XDG only applies outside Windows. */
  platform?: NodeJS.Platform;
}

/**
 * Directory where models are stored, in order of precedence:
 * 1. `options.modelPath`;
 * 2. the `GPT4ALL_MODEL_PATH` environment variable;
 * 3. `$XDG_CACHE_HOME/gpt4all` when `XDG_CACHE_HOME` is set to an absolute path (not on Windows);
 * 4. `~/.cache/gpt4all` (the GPT4All Python bindings' default).
 *
 * A leading `~` is expanded. The result is absolute. Nothing is created.
 */
export function defaultModelPath(options: ModelPathOptions = {}): string {
  const env = options.env ?? process.env;
  const home = options.homedir ?? osHomedir();
  const platform = options.platform ?? process.platform;
  const explicit = options.modelPath ?? nonEmpty(env.GPT4ALL_MODEL_PATH);
  if (explicit !== undefined) return resolve(expandHome(explicit, home));
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  // The XDG spec says relative values must be ignored.
  if (platform !== 'win32' && xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'gpt4all');
  return join(home, '.cache', 'gpt4all');
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
