import { describe, expect, it } from 'vitest';
import { HttpParseError, HttpResponseParser, type ResponseHead } from './http-response-parser.js';

/** Feeds `wire` in pieces of `step` bytes; returns heads, body and completion. */
function parse(wire: string | Buffer, step: number): { heads: ResponseHead[]; body: Buffer; complete: boolean; parser: HttpResponseParser } {
  const heads: ResponseHead[] = [];
  let complete = false;
  const parser = new HttpResponseParser({ onHead: (head) => heads.push(head), onComplete: () => (complete = true) });
  const bytes = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'latin1');
  const body: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += step) {
    // Copy each piece into a larger buffer at an offset, as a socket read would land.
    const piece = bytes.subarray(offset, offset + step);
    const buffer = new Uint8Array(piece.length + 8);
    buffer.set(piece, 8);
    const count = parser.execute(buffer, 8, 8 + piece.length);
    body.push(Buffer.from(buffer.subarray(8, 8 + count)));
  }
  return { heads, body: Buffer.concat(body), complete, parser };
}

const STEPS = [1, 2, 3, 7, 64, 100_000];

describe('HttpResponseParser', () => {
  it.each(STEPS)('parses a Content-Length response fed %i bytes at a time', (step) => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: "a"\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello worldEXTRA';
    const { heads, body, complete } = parse(wire, step);
    expect(heads).toEqual([{ status: 200, statusText: 'OK', headers: { 'content-length': '11', etag: '"a"', 'x-a': '1, 2' } }]);
    expect(body.toString()).toBe('hello world');
    expect(complete).toBe(true);
  });

  it.each(STEPS)('decodes chunked bodies with extensions and trailers fed %i bytes at a time', (step) => {
    const wire = 'HTTP/1.1 206 Partial\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n';
    const { body, complete, parser } = parse(wire, step);
    expect(body.toString()).toBe('hello 0123456789');
    expect(complete).toBe(true);
    expect(parser.framing).toBe('chunked');
  });

  it('skips 1xx interim responses', () => {
    const wire = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const { heads, body } = parse(wire, 5);
    expect(heads.map((head) => head.status)).toEqual([200]);
    expect(body.toString()).toBe('ok');
  });

  it('reads close-delimited bodies until the connection ends', () => {
    const { body, complete, parser } = parse('HTTP/1.0 200 OK\r\n\r\nall of it', 4);
    expect(body.toString()).toBe('all of it');
    expect(complete).toBe(false);
    parser.finish();
    expect(parser.complete).toBe(true);
  });

  it('completes bodiless responses at once', () => {
    expect(parse('HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n', 3).complete).toBe(true);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 3).complete).toBe(true);
  });

  it('reports truncation when the connection ends early', () => {
    const { parser } = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 100);
    expect(() => parser.finish()).toThrow(/truncated/);
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Le', 100).parser.finish()).toThrow(/before the headers ended/);
  });

  it.each([
    ['garbage', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['conflicting lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n'],
    ['negative length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['missing chunk CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'],
    ['folded header', 'HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n'],
  ])('rejects %s', (_name, wire) => {
    expect(() => parse(wire, 100)).toThrow(HttpParseError);
  });

  it('rejects oversized headers', () => {
    const wire = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70 * 1024)}\r\n\r\n`;
    expect(() => parse(wire, 4096)).toThrow(/too large/);
  });
});
