import net, { type Socket } from 'node:net';
import tls, { rootCertificates } from 'node:tls';
import { abortedErrorFrom } from '../control/abort-signal.js';
import { HttpProtocolFailure } from './http-protocol-failure.js';
import { HttpResponseParser, type ResponseHead } from './http-response-parser.js';

/**
 * Destination of a response body. The socket reads straight into `region()`
 * (no allocation, no copy); bytes that landed elsewhere go through `push`.
 */
export interface BodySink {
  /** Free memory for the next socket read, or `undefined` when full (reading pauses). */
  region(): Uint8Array | undefined;
  /** `count` body bytes were placed at the start of the last region returned. */
  commit(count: number): void;
  /** Body bytes that arrived in another buffer; the sink copies them. */
  push(bytes: Uint8Array): void;
  /** Resolves when `region()` has room again (or the sink failed). */
  whenReady(): Promise<void>;
  /** Set when the sink cannot continue (disk error, too many bytes); stops the transfer. */
  readonly failure: Error | undefined;
}

/** Connection settings of one exchange. */
export interface ExchangeOptions {
  headers: Record<string, string>;
  idleTimeoutMs: number;
  signal: AbortSignal | undefined;
  /** Extra trusted CA certificates (PEM), added to Node's bundled ones. */
  ca: string | Buffer | undefined;
}

const SCRATCH_BYTES = 64 * 1024;
// How long to wait, after a length-delimited body, for the server to close the connection as our
// `Connection: close` requires (RFC 9112 §9.6). Bytes before the close mean the body was longer than
// announced; a server that keeps the connection open costs this once and is not checked further.
const CLOSE_GRACE_MS = 500;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * One HTTP/1.1 GET over its own connection (`Connection: close`), with the
 * body delivered into a {@link BodySink}. A minimal client instead of
 * `node:http` so that the body needs no per-chunk allocation: memory stays
 * flat and the garbage collector stays out of the way at gigabytes per second.
 */
export class HttpExchange {
  /** Resolves with the final (non-1xx) response head; the body then waits for `pipeTo`. */
  readonly head: Promise<ResponseHead>;
  private readonly socket: Socket;
  private readonly parser: HttpResponseParser;
  private readonly scratch = new Uint8Array(SCRATCH_BYTES);
  private sink: BodySink | undefined;
  private sinkRegion: Uint8Array | undefined;
  private stash: Buffer[] = [];
  private waitingForSink = false;
  private headSettled = false;
  private status = 0;
  /** The message is complete; waiting for the close to see whether more bytes follow. */
  private draining = false;
  private drainTimer: NodeJS.Timeout | undefined;
  /** The message is complete and nothing followed it. */
  private drained = false;
  private settled = false;
  private error: Error | undefined;
  private resolveHead!: (head: ResponseHead) => void;
  private rejectHead!: (error: Error) => void;
  private done: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly onAbort = (): void => this.fail(abortedErrorFrom(this.options.signal));

  constructor(readonly url: URL, private readonly options: ExchangeOptions) {
    const request = buildRequest(url, options.headers);
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.head.catch(() => undefined);
    this.parser = new HttpResponseParser({
      onHead: (head) => {
        this.headSettled = true;
        this.status = head.status;
        this.resolveHead(head);
      },
      onComplete: () => undefined,
    });
    const onread = { buffer: () => this.nextBuffer(), callback: (count: number, buffer: Uint8Array) => this.onRead(count, buffer) };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    this.socket = secure
      ? tls.connect({
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
          ca: options.ca ? [...rootCertificates, options.ca.toString()] : undefined,
          // Supported by tls.connect at runtime; missing from @types/node.
          onread,
        } as tls.ConnectionOptions)
      : net.connect({ host, port, onread });
    this.socket.setNoDelay(true);
    this.socket.on('timeout', () => {
      this.fail(Object.assign(new Error(`no data from ${url.host} for ${options.idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    this.socket.setTimeout(options.idleTimeoutMs);
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => this.onEnd());
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.onAbort();
    else this.socket.write(request);
  }

  /**
   * Delivers the body into `sink`; resolves when the whole message has been
   * received and nothing followed it. Rejects on a network error or
   * truncation, and with `HttpProtocolFailure` (`length-mismatch`) when bytes
   * arrive after the announced end of the body (RFC 9112 §6.3). Bytes are
   * committed to the sink as they arrive either way.
   */
  pipeTo(sink: BodySink): Promise<void> {
    this.sink = sink;
    for (const chunk of this.stash) sink.push(chunk);
    this.stash = [];
    if (this.error) return Promise.reject(this.error);
    if (this.drained) {
      this.finishOk();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.done = { resolve, reject };
      if (this.draining) return; // body complete; the close (or the grace timer) settles it
      this.socket.setTimeout(this.options.idleTimeoutMs);
      this.socket.resume();
    });
  }

  /** Closes the connection; a pending `pipeTo` rejects. */
  destroy(reason = 'response discarded'): void {
    this.fail(Object.assign(new Error(reason), { code: 'ERR_DISCARDED' }), true);
  }

  private nextBuffer(): Uint8Array {
    if (this.sink && !this.waitingForSink && !this.settled && !this.draining) {
      const region = this.sink.region();
      if (region && region.length > 0) return (this.sinkRegion = region);
      this.waitForSink(this.sink);
    }
    this.sinkRegion = undefined;
    return this.scratch;
  }

  private waitForSink(sink: BodySink): void {
    // Sink full: stop reading (TCP back-pressure) until it drains. Should a
    // read still arrive, it lands in the scratch buffer and is pushed.
    // The idle timer is for the network, not for our own disk: off while we wait.
    this.waitingForSink = true;
    this.socket.pause();
    this.socket.setTimeout(0);
    void sink.whenReady().then(() => {
      this.waitingForSink = false;
      if (sink.failure) this.fail(sink.failure, true);
      else if (!this.settled) {
        this.socket.setTimeout(this.options.idleTimeoutMs);
        this.socket.resume();
      }
    });
  }

  private onRead(count: number, buffer: Uint8Array): boolean {
    if (this.settled) return false;
    try {
      const wasHeadParsed = this.parser.headParsed;
      const bodyBytes = this.parser.execute(buffer, 0, count);
      if (bodyBytes > 0) {
        if (this.sink && buffer === this.sinkRegion) this.sink.commit(bodyBytes);
        else if (this.sink) this.sink.push(buffer.subarray(0, bodyBytes));
        else this.stash.push(Buffer.from(buffer.subarray(0, bodyBytes)));
      }
      this.sinkRegion = undefined;
      if (this.sink?.failure) this.fail(this.sink.failure, true);
      else if (this.parser.excessBytes > 0) this.fail(this.excessFailure(), true);
      else if (this.parser.complete) this.startDrain();
      else if (!wasHeadParsed && this.parser.headParsed && !this.sink) {
        // Hold the body until pipeTo; the caller's preparation is not network idleness.
        this.socket.pause();
        this.socket.setTimeout(0);
      }
    } catch (error) {
      this.fail(error as Error);
    }
    return true;
  }

  private onEnd(): void {
    if (this.settled) return;
    if (this.draining) {
      this.endDrain();
      return;
    }
    try {
      this.parser.finish(); // a close-delimited body ends here; anything else was truncated
      this.drained = true;
      this.finishOk();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.socket.setTimeout(0);
    this.drainTimer = setTimeout(() => this.endDrain(), CLOSE_GRACE_MS);
    this.drainTimer.unref();
    this.socket.resume();
  }

  private endDrain(): void {
    clearTimeout(this.drainTimer);
    this.drained = true;
    this.finishOk();
  }

  private excessFailure(): HttpProtocolFailure {
    const detail =
      this.parser.framing === 'length'
        ? `the body is longer than the ${this.parser.contentLength} bytes announced by Content-Length (RFC 9110 §8.6, RFC 9112 §6.3)`
        : 'bytes follow the end of the message (RFC 9112 §6.3)';
    return new HttpProtocolFailure('length-mismatch', this.status, this.url.href, detail);
  }

  private finishOk(): void {
    if (this.settled) return;
    if (!this.sink) {
      // Complete before pipeTo (a short body): close now, settle when pipeTo comes.
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.socket.destroy();
      return;
    }
    this.settled = true;
    this.cleanup();
    this.done?.resolve();
  }

  /**
   * Settles with `error`. Unless `always` (the sink failed, the body was too long), an error after
   * the last byte of the message (a reset or timeout while closing) does not matter: the message is
   * complete.
   */
  private fail(error: Error, always = false): void {
    if (this.settled) return;
    if (this.parser.complete && !always) {
      if (this.draining) this.endDrain();
      return;
    }
    clearTimeout(this.drainTimer);
    this.settled = true;
    this.error = error;
    this.cleanup();
    if (!this.headSettled) {
      this.headSettled = true;
      this.rejectHead(error);
    }
    this.done?.reject(error);
  }

  private cleanup(): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
  }
}

function buildRequest(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    // Reject header injection (CR/LF) and invalid names outright.
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`invalid value for header ${name}`);
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || seen.has(lower)) continue;
    seen.add(lower);
    lines.push(`${name}: ${value}`);
  }
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}
