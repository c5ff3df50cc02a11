import { throwIfAborted } from '../control/abort-signal.js';
import { CollectingSink } from './collecting-sink.js';
import { HttpExchange, type BodySink } from './http-exchange.js';
import { HttpProtocolFailure } from './http-protocol-failure.js';
import type { ResponseHead } from './http-response-parser.js';

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

/**
 * A successful (200 or 206) response whose body has not been read yet. Its body starts at the byte
 * that was asked for (`start`), or, in a 200, at byte 0 (the whole resource: the server ignored
 * `Range`, or `If-Range` failed); {@link requestRange} rejects anything else.
 */
export interface RangeResponse {
  status: 200 | 206;
  /** URL that served the body, after redirects. */
  url: string;
  /** Offset (bytes) of the first body byte in the resource: the Content-Range's first byte, else 0. */
  start: number;
  /** Offset just past the last body byte, when announced (Content-Range, or Content-Length of a 200). */
  end: number | undefined;
  /** Size (bytes) of the whole resource when known (Content-Range complete length, or Content-Length of a 200). */
  totalSize: number | undefined;
  /** Number of body bytes announced by Content-Length, when present. */
  contentLength: number | undefined;
  /** The `Content-Range` header as sent, when present (already checked: see {@link requestRange}). */
  contentRange: string | undefined;
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
 * statuses worth retrying (5xx, 408, 429); `retryAfterMs` comes from `Retry-After`;
 * `completeLength` is the resource size a 416 gave as `Content-Range: bytes *\/N`
 * (RFC 9110 §15.5.17).
 */
export class HttpStatusFailure extends Error {
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    readonly url: string,
    readonly retryAfterMs: number | undefined,
    readonly detail?: string,
    readonly completeLength?: number,
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
 * A 200/206 that does not match the request rejects with {@link HttpProtocolFailure}
 * before its body is read: see {@link bodyExtent}.
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
      const range = head.status === 416 ? parseContentRange(head.headers['content-range']) : undefined;
      const completeLength = typeof range === 'object' && range.kind === 'unsatisfied' ? range.complete : undefined;
      throw new HttpStatusFailure(head.status, url.href, parseRetryAfter(head.headers['retry-after']), undefined, completeLength);
    }
    const contentEncoding = head.headers['content-encoding'];
    if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
      exchange.destroy();
      throw new HttpStatusFailure(head.status, url.href, undefined, `unexpected Content-Encoding ${contentEncoding}`);
    }
    const contentLength = parseNonNegativeInt(head.headers['content-length']);
    let extent: BodyExtent;
    try {
      extent = bodyExtent(head, contentLength, options.start ?? 0, url.href);
    } catch (error) {
      exchange.destroy();
      throw error;
    }
    return {
      status: head.status,
      url: url.href,
      ...extent,
      contentLength,
      contentRange: head.headers['content-range'],
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

/** A parsed `Content-Range` (RFC 9110 §14.4): a byte range, or the `*\/length` of a 416. */
export type ContentRange =
  | { kind: 'range'; first: number; last: number; complete: number | undefined }
  | { kind: 'unsatisfied'; complete: number };

/**
 * Parses a `Content-Range` value (RFC 9110 §14.4): `bytes first-last/complete` (complete may be `*`)
 * or `bytes *\/complete`. Returns `undefined` for an absent header and `'invalid'` for another unit,
 * bad syntax, a last byte before the first, or a complete length not past the last byte (a recipient
 * must not combine such a body with stored bytes).
 */
export function parseContentRange(value: string | undefined): ContentRange | 'invalid' | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes[ \t]+(?:(\d{1,16})-(\d{1,16})|\*)\/(\d{1,16}|\*)$/i.exec(value.trim());
  if (!match) return 'invalid';
  const complete = match[3] === '*' ? undefined : Number(match[3]);
  if (match[1] === undefined || match[2] === undefined) {
    return complete === undefined ? 'invalid' : { kind: 'unsatisfied', complete };
  }
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first || (complete !== undefined && complete <= last)) return 'invalid';
  return { kind: 'range', first, last, complete };
}

type BodyExtent = Pick<RangeResponse, 'start' | 'end' | 'totalSize'>;

/**
 * Where the body of a 200/206 lies in the resource, checked against the request for bytes from
 * `asked` on (0: the whole resource). Throws {@link HttpProtocolFailure} when the body cannot be
 * placed:
 * - a 206 without a valid `Content-Range` (RFC 9110 §15.3.7, §14.4), or a 200 with an invalid one;
 * - a `Content-Length` other than the size of the `Content-Range` (RFC 9110 §8.6);
 * - a `Content-Range` that starts elsewhere than `asked` (§14.4): another range than the one asked.
 *
 * A 200 without `Content-Range` is the whole resource (§15.3.1). RFC 9110 gives `Content-Range` no
 * meaning in a 200, but a 200 that carries one describing exactly the range asked for (with a
 * Content-Length that agrees) is a 206 with the wrong status: taking that slice for the whole file is
 * certainly wrong, so it is honoured as the range it says it is. A 200 whose range starts at byte 0 is
 * the whole resource (or a prefix of it) whatever was asked.
 */
function bodyExtent(head: ResponseHead, contentLength: number | undefined, asked: number, url: string): BodyExtent {
  const header = head.headers['content-range'];
  const range = parseContentRange(header);
  if (range === undefined) {
    if (head.status === 206) {
      throw new HttpProtocolFailure('invalid-content-range', 206, url, 'a 206 response without Content-Range (RFC 9110 §15.3.7)');
    }
    return { start: 0, end: contentLength, totalSize: contentLength };
  }
  if (range === 'invalid' || range.kind !== 'range') {
    throw new HttpProtocolFailure('invalid-content-range', head.status, url, `invalid Content-Range ${JSON.stringify(header)} (RFC 9110 §14.4)`);
  }
  const size = range.last - range.first + 1;
  if (contentLength !== undefined && contentLength !== size) {
    throw new HttpProtocolFailure(
      'length-mismatch',
      head.status,
      url,
      `Content-Length ${contentLength} disagrees with Content-Range ${JSON.stringify(header)}, which covers ${size} bytes (RFC 9110 §8.6, §14.4)`,
    );
  }
  if (range.first !== asked && !(head.status === 200 && range.first === 0)) {
    const wanted = asked > 0 ? `Range: bytes=${asked}- was asked` : 'the whole file was asked (no Range)';
    throw new HttpProtocolFailure('range-mismatch', head.status, url, `Content-Range ${JSON.stringify(header)} where ${wanted} (RFC 9110 §14.4)`);
  }
  return { start: range.first, end: range.last + 1, totalSize: range.complete };
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
