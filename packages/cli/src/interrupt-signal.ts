/** Ctrl-C (SIGINT) or a polite kill (SIGTERM) while a command works. */
export interface Interrupt {
  /** Aborted by the first SIGINT or SIGTERM, with the signal's name as its reason. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Removes the handlers (the signals' default actions apply again). */
  dispose(): void;
}

/** The exit status of a process ended by `signal`, as shells report it: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (signal === 'SIGTERM' ? 15 : 2);
}

/**
 * Ends the process by `signal` itself, its default action, as if no handler had been installed:
 * the exit status is what shells expect (128 + its number), and no exit handlers run. That matters
 * while a model generates: `process.exit()` runs llama.cpp's C++ destructors under its running
 * threads, which can crash the process (a segfault instead of the signal).
 */
export function exitBySignal(signal: NodeJS.Signals): never {
  // Windows has no signals to re-raise: killing oneself there is exit code 1.
  if (process.platform === 'win32') process.exit(signalExitCode(signal));
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // Another thread (llama.cpp's, libuv's) may take the signal a moment later: wait for it
  // rather than run the exit handlers now.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  process.exit(signalExitCode(signal));
}

/**
 * Turns the first SIGINT or SIGTERM into an abort, so that the command can stop cleanly (a
 * download keeps its partial file, a reply ends where it is); a second one, from someone who does
 * not want to wait, exits at once with 128 + the signal's number.
 */
export function listenForInterrupt(): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) exitBySignal(signal);
    received = signal;
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
