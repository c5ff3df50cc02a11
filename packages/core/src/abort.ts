import { Gpt4AllError } from '@gpt4all/errors';
import type { NativeBinding } from './native/load-binding.js';

type NativeAbortFlag = InstanceType<NativeBinding['NativeAbortFlag']>;

/**
 * A native abort flag raised by `signal` (also when it is already aborted). Call `release()`
 * when the operation is over, so the listener does not outlive it.
 */
export function abortFlagFor(binding: NativeBinding, signal: AbortSignal | undefined): { flag: NativeAbortFlag; release: () => void } {
  const flag = new binding.NativeAbortFlag();
  if (!signal) return { flag, release: () => {} };
  if (signal.aborted) {
    flag.abort();
    return { flag, release: () => {} };
  }
  const onAbort = () => flag.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  return { flag, release: () => signal.removeEventListener('abort', onAbort) };
}

/** The error for an operation that was aborted before it produced anything usable. */
export function abortError(signal: AbortSignal | undefined): Gpt4AllError {
  return new Gpt4AllError('ERR_ABORTED', 'the operation was aborted', { cause: signal?.reason });
}
