import { throwIfAborted } from '../control/abort-signal.js';
import { CollectingSink } from './collecting-sink.js';
import { HttpExchange, type BodySink } from './http-exchange.js';

/** Options of {@link requestRange}. */
export interface RangeRequestOptions {
  url: string;
  /** When > 0, asks for `bytes=start-` (resume). */
  start?: number;
  /** Validator (strong ETag or Last-Modified) sent as `If-Range` with a range. */
  ifRange?: string;
  /** Extra headers, e.g. `Authorization`. Credentials are dropped on a cross-origin redirect. */
  headers?: Record<string, string>;
  /** Default 10. */
  maxRedirects?: number;
  /** Fails the request when the connection is idle this long (ms). Default 30 000. */
  idleTimeoutMs?: number;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
  signal?: AbortSignal;
}

/** A successful (200 or 206) response whose body has not been read yet. */
export interface RangeResponse {
  status: 200 | 206;
  /** URL that served the body, after redirects. */
  url: string;
  /** Offset of the first body byte in the resource (0 for a 200). */
  start: number;
  /** Size of the whole resource when known (Content-Range total or Content-Length). */
  totalSize: number | undefined;
  /** Number of body bytes announced by Content-Length, when present. */
  contentLength: number | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
  /** Streams the body into `sink`; resolves at the end of the message. */
  pipeTo(sink: BodySink): Promise<void>;
  /** Reads the whole body into memory (at most `limit` bytes). */
  readAll(limit: number): Promise<Buffer>;
  /** Drops the response and its connection. */
  discard(): void;
}

/**
 * A final response that is neither 200/206 nor a redirect. `retryable` marks
 * statuses worth retrying (5xx, 408, 429); `retryAfterMs` comes from `Retry-After`.
 */
export class HttpStatusFailure extends Error {
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    readonly url: string,
    readonly retryAfterMs: number | undefined,
    readonly detail?: string,
  ) {
    super(`HTTP ${status} from ${url}${detail ? ` (${detail})` : ''}`);
    this.retryable = status >= 500 || status === 408 || status === 429;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that carry credentials: never forwarded to another origin (model
// hosts redirect to CDNs with signed URLs; the token must not leak there).
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const USER_AGENT = 'gpt4all-node-download';

/**
 * Sends a GET (optionally ranged) and follows redirects, resending `Range`
 * and `If-Range` at each hop. Resolves once the headers of a 200/206 arrive;
 * the caller must then `pipeTo`, `readAll` or `discard`. Other statuses reject
 * with {@link HttpStatusFailure}; network failures reject with the socket error.
 */
export async function requestRange(options: RangeRequestOptions): Promise<RangeResponse> {
  const maxRedirects = options.maxRedirects ?? 10;
  let url = new URL(options.url);
  let headers = { ...options.headers };
  for (let hop = 0; ; hop++) {
    throwIfAborted(options.signal);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpStatusFailure(0, url.href, undefined, `unsupported protocol ${url.protocol}`);
    }
    const exchange = new HttpExchange(url, {
      headers: buildHeaders(headers, options),
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      signal: options.signal,
      ca: options.ca,
    });
    const head = await exchange.head;
    const location = head.headers.location;
    if (REDIRECTS.has(head.status) && location) {
      exchange.destroy();
      if (hop >= maxRedirects) throw new HttpStatusFailure(head.status, url.href, undefined, 'too many redirects');
      const next = new URL(location, url);
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    if (head.status !== 200 && head.status !== 206) {
      exchange.destroy();
      throw new HttpStatusFailure(head.status, url.href, parseRetryAfter(head.headers['retry-after']));
    }
    const contentEncoding = head.headers['content-encoding'];
    if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
      exchange.destroy();
      throw new HttpStatusFailure(head.status, url.href, undefined, `unexpected Content-Encoding ${contentEncoding}`);
    }
    const contentLength = parseNonNegativeInt(head.headers['content-length']);
    let start = 0;
    let totalSize = head.status === 200 ? contentLength : undefined;
    if (head.status === 206) {
      const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(head.headers['content-range'] ?? '');
      if (!match) {
        exchange.destroy();
        throw new HttpStatusFailure(206, url.href, undefined, 'missing or malformed Content-Range');
      }
      start = Number(match[1]);
      totalSize = match[3] === '*' ? undefined : Number(match[3]);
    }
    return {
      status: head.status,
      url: url.href,
      start,
      totalSize,
      contentLength,
      etag: head.headers.etag,
      lastModified: head.headers['last-modified'],
      pipeTo: (sink) => exchange.pipeTo(sink),
      readAll: async (limit) => {
        const sink = new CollectingSink(limit);
        await exchange.pipeTo(sink);
        return sink.result();
      },
      discard: () => exchange.destroy(),
    };
  }
}

function buildHeaders(extra: Record<string, string>, options: RangeRequestOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    // Compressed transfer would break byte offsets and sizes.
    'accept-encoding': 'identity',
    ...lowerCaseKeys(extra),
  };
  if (options.start !== undefined && options.start > 0) {
    headers.range = `bytes=${options.start}-`;
    if (options.ifRange) headers['if-range'] = options.ifRange;
  }
  return headers;
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())));
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function parseNonNegativeInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = parseNonNegativeInt(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
