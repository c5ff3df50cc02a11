// Spawns the bundled download child and collects its JSON event lines.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildEvent {
  type: string;
  [key: string]: unknown;
}

export interface RunningChild {
  process: ChildProcess;
  events: ChildEvent[];
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when an event satisfying `predicate` has been printed. */
  waitFor(predicate: (event: ChildEvent) => boolean): Promise<ChildEvent>;
}

export function startChild(script: string, source: string, options: Record<string, unknown>): RunningChild {
  const child = spawn(process.execPath, [script, JSON.stringify({ source, options })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ChildEvent[] = [];
  const watchers: { predicate: (event: ChildEvent) => boolean; resolve: (event: ChildEvent) => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  child.stdout?.on('data', (data: Buffer) => {
    pending += data.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as ChildEvent;
      events.push(event);
      for (const watcher of [...watchers]) {
        if (watcher.predicate(event)) {
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.resolve(event);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    events,
    exited,
    waitFor: (predicate) =>
      new Promise((resolve, reject) => {
        const found = events.find(predicate);
        if (found) return resolve(found);
        watchers.push({ predicate, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before the expected event; stderr: ${stderr}`)),
        );
      }),
  };
}
