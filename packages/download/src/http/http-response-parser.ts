/** Status line and headers of a response. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with `, ` (`set-cookie` included, unused here). */
  headers: Record<string, string>;
}

/** How the body of a response is delimited. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

/** Malformed HTTP from the server. Not retried: a server that breaks framing once is not trusted. */
export class HttpParseError extends Error {
  readonly code = 'ERR_HTTP_PARSE';
}

type State = 'head' | 'length' | 'close' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'done';

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4096;
const CRLFCRLF = [13, 10, 13, 10];

/**
 * Incremental HTTP/1.1 response parser that works in place.
 *
 * `execute(buffer, start, end)` consumes `buffer[start, end)`: header and
 * chunk-framing bytes are removed and body bytes are moved down to
 * `buffer[start, start + n)`, where `n` is the return value. This lets the
 * socket read straight into the download's own memory with no per-read
 * allocation. 1xx interim responses are skipped. Bytes after the end of the
 * message are not body bytes; they are counted in `excessBytes` (the
 * connection is never reused, so the caller treats them as a framing error).
 */
export class HttpResponseParser {
  private state: State = 'head';
  private head = new Uint8Array(1024);
  private headLength = 0;
  private remaining = 0;
  private line = '';
  framing: BodyFraming = 'none';
  /** Body bytes announced by Content-Length (framing `length`). */
  contentLength: number | undefined;
  /**
   * Bytes that arrived after the end of the message. The connection is never reused, so these can
   * only mean that the framing (usually Content-Length) understated the body (RFC 9112 §6.3).
   */
  excessBytes = 0;

  constructor(private readonly events: { onHead(head: ResponseHead): void; onComplete(): void }) {}

  /** True once the whole message (head and body) has been read. */
  get complete(): boolean {
    return this.state === 'done';
  }

  /** True once the head has been parsed. */
  get headParsed(): boolean {
    return this.state !== 'head';
  }

  /** Parses `buffer[start, end)`; returns how many body bytes now sit at `buffer[start...]`. */
  execute(buffer: Uint8Array, start: number, end: number): number {
    let index = start;
    let out = start;
    while (index < end) {
      switch (this.state) {
        case 'head':
          index = this.readHead(buffer, index, end);
          break;
        case 'length':
        case 'chunk-data':
        case 'close': {
          const take = this.state === 'close' ? end - index : Math.min(this.remaining, end - index);
          if (out !== index) buffer.copyWithin(out, index, index + take);
          out += take;
          index += take;
          if (this.state !== 'close') {
            this.remaining -= take;
            if (this.remaining === 0) {
              if (this.state === 'length') this.finishMessage();
              else this.state = 'chunk-end';
            }
          }
          break;
        }
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const lineEnd = indexOfByte(buffer, 10, index, end);
          const stop = lineEnd === -1 ? end : lineEnd;
          this.line += latin1(buffer, index, stop);
          if (this.line.length > MAX_LINE_BYTES) throw new HttpParseError('chunk framing line too long');
          index = stop;
          if (lineEnd !== -1) {
            index += 1;
            const text = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
            this.line = '';
            this.onFramingLine(text);
          }
          break;
        }
        case 'done':
          this.excessBytes += end - index;
          return out - start;
      }
    }
    return out - start;
  }

  /** The connection ended: completes a close-delimited body, else reports truncation. */
  finish(): void {
    if (this.state === 'close') {
      this.finishMessage();
      return;
    }
    if (this.state !== 'done') {
      throw Object.assign(new Error(`response truncated: connection closed ${this.truncationPoint()}`), { code: 'ECONNRESET' });
    }
  }

  private truncationPoint(): string {
    if (this.state === 'head') return 'before the headers ended';
    if (this.state === 'length' && this.contentLength !== undefined) {
      return `after ${this.contentLength - this.remaining} of the ${this.contentLength} body bytes announced by Content-Length`;
    }
    return 'before the body ended';
  }

  private readHead(buffer: Uint8Array, index: number, end: number): number {
    // Copy into the head buffer until the blank line; heads are small.
    const scanFrom = Math.max(0, this.headLength - 3);
    const take = Math.min(end - index, MAX_HEAD_BYTES + 4 - this.headLength);
    this.ensureHeadCapacity(this.headLength + take);
    this.head.set(buffer.subarray(index, index + take), this.headLength);
    this.headLength += take;
    const terminator = indexOfSequence(this.head, CRLFCRLF, scanFrom, this.headLength);
    if (terminator === -1) {
      if (this.headLength > MAX_HEAD_BYTES) throw new HttpParseError('response headers too large');
      return index + take;
    }
    const headEnd = terminator + 4;
    const consumed = take - (this.headLength - headEnd);
    const text = latin1(this.head, 0, terminator);
    this.headLength = 0;
    this.startBody(parseHead(text));
    return index + consumed;
  }

  private startBody(head: ResponseHead): void {
    if (head.status >= 100 && head.status < 200) return; // interim (e.g. 103 Early Hints): next head follows
    const encoding = head.headers['transfer-encoding'];
    const length = head.headers['content-length'];
    if (head.status === 204 || head.status === 304) {
      this.framing = 'none';
    } else if (encoding !== undefined) {
      const codings = encoding.toLowerCase().split(',').map((coding) => coding.trim());
      this.framing = codings[codings.length - 1] === 'chunked' ? 'chunked' : 'close';
    } else if (length !== undefined) {
      const values = new Set(length.split(',').map((value) => value.trim()));
      const [value] = [...values];
      if (values.size !== 1 || value === undefined || !/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new HttpParseError(`invalid Content-Length ${JSON.stringify(length)}`);
      }
      this.framing = 'length';
      this.contentLength = Number(value);
    } else {
      this.framing = 'close';
    }
    this.events.onHead(head);
    if (this.framing === 'none' || (this.framing === 'length' && this.contentLength === 0)) this.finishMessage();
    else if (this.framing === 'length') {
      this.state = 'length';
      this.remaining = this.contentLength as number;
    } else if (this.framing === 'chunked') this.state = 'chunk-size';
    else this.state = 'close';
  }

  private onFramingLine(text: string): void {
    if (this.state === 'chunk-end') {
      if (text !== '') throw new HttpParseError('missing CRLF after chunk data');
      this.state = 'chunk-size';
    } else if (this.state === 'chunk-size') {
      const size = (text.split(';')[0] ?? '').trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new HttpParseError(`invalid chunk size ${JSON.stringify(size)}`);
      this.remaining = Number.parseInt(size, 16);
      this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    } else if (text === '') {
      this.finishMessage(); // blank line ends the trailers
    }
  }

  private finishMessage(): void {
    this.state = 'done';
    this.events.onComplete();
  }

  private ensureHeadCapacity(size: number): void {
    if (size <= this.head.length) return;
    const grown = new Uint8Array(Math.max(size, this.head.length * 2));
    grown.set(this.head.subarray(0, this.headLength));
    this.head = grown;
  }
}

function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!match) throw new HttpParseError(`invalid status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^[ \t]/.test(line)) throw new HttpParseError(`invalid header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), statusText: match[2] ?? '', headers };
}

function indexOfByte(buffer: Uint8Array, byte: number, from: number, to: number): number {
  const found = buffer.subarray(from, to).indexOf(byte);
  return found === -1 ? -1 : from + found;
}

function indexOfSequence(buffer: Uint8Array, sequence: number[], from: number, to: number): number {
  for (let i = from; i + sequence.length <= to; i++) {
    if (sequence.every((byte, k) => buffer[i + k] === byte)) return i;
  }
  return -1;
}

function latin1(buffer: Uint8Array, from: number, to: number): string {
  return Buffer.from(buffer.buffer, buffer.byteOffset + from, to - from).toString('latin1');
}
