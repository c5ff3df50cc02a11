import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/**
 * How a response failed to match its request (RFC 9110):
 * - `range-mismatch`: the body does not start at the byte asked for with `Range: bytes=N-`; its
 *   `Content-Range` names another range (§14.4, §15.3.7). Reported after one restart without `Range`.
 * - `invalid-content-range`: a 206 without `Content-Range` (§15.3.7), or a `Content-Range` that is not a
 *   valid byte range (last byte before the first, complete length not past the last byte, other unit;
 *   §14.4). Such a body must not be combined with stored bytes.
 * - `length-mismatch`: `Content-Length` disagrees with `Content-Range` (§8.6), or more body bytes arrived
 *   than `Content-Length`, `Content-Range` or the expected size allow (RFC 9112 §6.3).
 */
export type ProtocolErrorReason = 'range-mismatch' | 'invalid-content-range' | 'length-mismatch';

/**
 * The server answered with a success status but with bytes that do not match the request (another range,
 * an invalid `Content-Range`, a wrong `Content-Length`). It is the server's fault, not the model's: the
 * bytes of that response were not kept, and whatever is left in `<file>.part` came from earlier,
 * consistent responses, so calling again resumes (or restarts) safely. No file is created under the
 * final name.
 */
export class DownloadProtocolError extends DownloadError {
  static override readonly code = 'ERR_DOWNLOAD_PROTOCOL';
  /** What did not match; see {@link ProtocolErrorReason}. */
  readonly reason: ProtocolErrorReason;
  /** HTTP status of the offending response (200 or 206). */
  readonly status: number;
  /** URL that sent it (after redirects). */
  readonly url: string;
  /** Number of requests made by this download. */
  readonly attempts: number;

  constructor(
    init: { reason: ProtocolErrorReason; status: number; url: string; attempts: number; detail: string },
    options?: DownloadErrorOptions,
  ) {
    super(
      `HTTP ${init.status} from ${init.url} does not match the request: ${init.detail}` +
        (init.attempts > 1 ? ` (after ${init.attempts} attempts)` : ''),
      options,
    );
    this.reason = init.reason;
    this.status = init.status;
    this.url = init.url;
    this.attempts = init.attempts;
  }
}
brandError(DownloadProtocolError, '@gpt4all/download:DownloadProtocolError');
