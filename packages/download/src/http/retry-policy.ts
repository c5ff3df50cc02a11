/** How failed requests are retried. */
export interface RetryOptions {
  /** Retries after the first attempt, per stretch without progress. Default 5. */
  retries?: number;
  /** Delay before the first retry (ms). Default 500. */
  minDelayMs?: number;
  /** Cap on any delay, including a server's `Retry-After` (ms). Default 30 000. */
  maxDelayMs?: number;
  /** Growth of the delay between retries. Default 2. */
  factor?: number;
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** True for transient network errors (resets, timeouts, refused connections, truncated bodies). */
export function isRetryableNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  return typeof message === 'string' && /socket hang up|aborted|premature|truncated/i.test(message);
}

/**
 * Delay before retry number `retry` (1-based): exponential with full jitter
 * (spreads clients that failed together), at least `minDelayMs`, at most
 * `maxDelayMs`. A server's `Retry-After` wins when larger, still capped.
 */
export function retryDelayMs(retry: number, options: RetryOptions, retryAfterMs?: number): number {
  const min = options.minDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const exponential = Math.min(max, min * (options.factor ?? 2) ** (retry - 1));
  const jittered = min + Math.random() * Math.max(0, exponential - min);
  return Math.min(max, Math.max(jittered, retryAfterMs ?? 0));
}
