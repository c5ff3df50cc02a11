import { setTimeout as delayPromise } from 'node:timers/promises';
import { AbortedError } from '../errors/aborted-error.js';

/** Converts the reason of an aborted signal into an {@link AbortedError} (kept as `cause`). */
export function abortedErrorFrom(signal: AbortSignal | undefined): AbortedError {
  const reason: unknown = signal?.reason;
  if (AbortedError.isInstance(reason)) return reason;
  const detail = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined;
  return new AbortedError(detail ? `The operation was aborted: ${detail}` : undefined, { cause: reason });
}

/** Throws an {@link AbortedError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedErrorFrom(signal);
}

/** Waits `ms` milliseconds; rejects with an {@link AbortedError} as soon as `signal` aborts. */
export async function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  try {
    await delayPromise(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw abortedErrorFrom(signal);
    throw error;
  }
}
