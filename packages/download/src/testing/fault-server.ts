// Test-only HTTP server on 127.0.0.1 with fault injection. Not exported.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file served by the test server. */
export interface ServedFile {
  body: Buffer;
  etag?: string;
  lastModified?: string;
}

/** How `sendFile` misbehaves (all optional). */
export interface SendOptions {
  /** Answer 200 with the whole file even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Answer 206 to a Range even when If-Range does not match (a broken server). */
  ignoreIfRange?: boolean;
  /** Destroy the connection after this many body bytes. */
  dropAfter?: number;
  /** Send `chunk` bytes every `intervalMs` (a slow link). */
  throttle?: { chunk: number; intervalMs: number };
  /** Use chunked transfer encoding (no Content-Length). */
  chunked?: boolean;
  /** Status of a ranged answer: 206 (default), or 200 with the same Content-Range (a broken server). */
  rangeStatus?: 200 | 206;
  /** Answer every request, ranged or not, with the bytes from this offset and a Content-Range that says so. */
  serveFrom?: number;
  /** Announce this Content-Length instead of the true one. */
  contentLength?: number;
  /** Send this many bytes (0x5a) after the body: past Content-Length, or a longer chunked body. */
  appendBytes?: number;
}

/** One request as the server saw it. */
export interface RequestRecord {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  authorization: string | undefined;
  status: number;
  /** Body bytes the server wrote to the socket. */
  bytesSent: number;
}

/** Context given to route handlers. */
export interface RouteContext {
  /** 1-based number of this request for its path. */
  attempt: number;
  record: RequestRecord;
  sendFile(file: ServedFile, options?: SendOptions): void;
  /** Sends a status with a short body. */
  sendStatus(status: number, headers?: Record<string, string>): void;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, context: RouteContext) => void;

/** Real `node:http` server on loopback whose routes a test scripts per attempt. */
export class FaultServer {
  readonly requests: RequestRecord[] = [];
  private readonly routes = new Map<string, RouteHandler>();
  private readonly attempts = new Map<string, number>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FaultServer> {
    const server = createServer();
    const instance = new FaultServer(server);
    server.on('request', (request, response) => instance.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  route(path: string, handler: RouteHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  requestsFor(path: string): RequestRecord[] {
    return this.requests.filter((record) => record.path === path);
  }

  bytesServed(path: string): number {
    return this.requestsFor(path).reduce((sum, record) => sum + record.bytesSent, 0);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] as string;
    const attempt = (this.attempts.get(path) ?? 0) + 1;
    this.attempts.set(path, attempt);
    const record: RequestRecord = {
      path,
      range: request.headers.range,
      ifRange: request.headers['if-range'] as string | undefined,
      authorization: request.headers.authorization,
      status: 0,
      bytesSent: 0,
    };
    this.requests.push(record);
    const context: RouteContext = {
      attempt,
      record,
      sendFile: (file, options) => sendFile(request, response, record, file, options),
      sendStatus: (status, headers = {}) => {
        record.status = status;
        response.writeHead(status, { 'content-type': 'text/plain', ...headers });
        response.end(`status ${status}`);
      },
    };
    const handler = this.routes.get(path);
    if (handler) handler(request, response, context);
    else context.sendStatus(404);
  }
}

function sendFile(request: IncomingMessage, response: ServerResponse, record: RequestRecord, file: ServedFile, options: SendOptions = {}): void {
  const size = file.body.length;
  const validators: Record<string, string> = {};
  if (file.etag) validators.etag = file.etag;
  if (file.lastModified) validators['last-modified'] = file.lastModified;
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const ifRange = request.headers['if-range'];
  const validatorMatches = ifRange === undefined || ifRange === file.etag || ifRange === file.lastModified;
  const length = (bytes: number): Record<string, string> =>
    options.chunked ? {} : { 'content-length': String(options.contentLength ?? bytes) };
  let start = 0;
  if (options.serveFrom !== undefined || (range && !options.ignoreRange && (validatorMatches || options.ignoreIfRange))) {
    start = options.serveFrom ?? Number(range?.[1]);
    if (start >= size) {
      record.status = 416;
      response.writeHead(416, { 'content-range': `bytes */${size}` });
      response.end();
      return;
    }
    record.status = options.rangeStatus ?? 206;
    response.writeHead(record.status, {
      ...validators,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${size - 1}/${size}`,
      ...length(size - start),
    });
  } else {
    record.status = 200;
    response.writeHead(200, { ...validators, 'accept-ranges': 'bytes', ...length(size) });
  }
  const slice = file.body.subarray(start);
  const body = options.appendBytes ? Buffer.concat([slice, Buffer.alloc(options.appendBytes, 0x5a)]) : slice;
  const limit = options.dropAfter === undefined ? body.length : Math.min(options.dropAfter, body.length);
  const step = options.throttle?.chunk ?? 64 * 1024;
  let offset = 0;
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  const pump = (): void => {
    if (closed) return;
    if (offset >= limit) {
      if (limit < body.length) response.socket?.destroy(); // dropAfter 0: no body at all
      else response.end();
      return;
    }
    const piece = body.subarray(offset, Math.min(limit, offset + step));
    offset += piece.length;
    record.bytesSent += piece.length;
    if (offset >= limit && limit < body.length) {
      // The injected fault: once these bytes reached the kernel, kill the connection.
      response.write(piece, () => response.socket?.destroy());
      return;
    }
    const next = (): void => {
      if (options.throttle) setTimeout(pump, options.throttle.intervalMs);
      else pump();
    };
    if (response.write(piece)) next();
    else response.once('drain', next);
  };
  pump();
}

/** Random test content with its digests. */
export function makeContent(size: number): { body: Buffer; md5: string; sha256: string } {
  const body = randomBytes(size);
  return {
    body,
    md5: createHash('md5').update(body).digest('hex'),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}
