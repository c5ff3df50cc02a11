import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { DownloadProtocolError } from '../errors/download-protocol-error.js';
import { makeContent } from '../testing/fault-server.js';
import { fileSha256, listModelDir, makeTempDir, removeTempDir } from '../testing/temp-dir.js';
import { downloadModel } from './download-model.js';

// Raw TCP servers for wire-level cases node:http would not produce.
const content = makeContent(50_000);
let dir: string;
let server: Server | undefined;
let connections = 0;

async function rawServer(reply: (send: (data: string | Buffer) => void, end: () => void) => void): Promise<string> {
  server = createServer((socket) => {
    connections += 1;
    socket.once('data', () => reply((data) => socket.write(data), () => socket.end()));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.gguf`;
}

beforeEach(async () => {
  dir = await makeTempDir();
  connections = 0;
});
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await removeTempDir(dir);
});

describe('downloadModel on the wire', () => {
  it('reports a malformed response as a network error without retrying it', async () => {
    const url = await rawServer((send, end) => {
      send('HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n');
      end();
    });
    const error = await downloadModel(url, { modelPath: dir }).promise.catch((caught: unknown) => caught);
    expect(DownloadNetworkError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('invalid Content-Length');
    expect(connections).toBe(1);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('reports body bytes after the announced Content-Length, even in a later packet, as a protocol error', async () => {
    const url = await rawServer((send, end) => {
      send(`HTTP/1.1 200 OK\r\nContent-Length: ${content.body.length - 1000}\r\n\r\n`);
      send(content.body.subarray(0, content.body.length - 1000));
      setTimeout(() => {
        send(content.body.subarray(content.body.length - 1000));
        end();
      }, 50);
    });
    const error = await downloadModel(url, { modelPath: dir, checksum: { algorithm: 'md5', value: content.md5 } }).promise.catch(
      (caught: unknown) => caught,
    );
    expect(DownloadProtocolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_DOWNLOAD_PROTOCOL', reason: 'length-mismatch', status: 200 });
    expect((error as Error).message).toContain(`longer than the ${content.body.length - 1000} bytes announced by Content-Length`);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('finishes a complete body from a server that does not close the connection', async () => {
    const url = await rawServer((send) => {
      send(`HTTP/1.1 200 OK\r\nContent-Length: ${content.body.length}\r\n\r\n`);
      send(content.body); // and keeps the connection open, despite Connection: close
    });
    const started = Date.now();
    const result = await downloadModel(url, { modelPath: dir, checksum: { algorithm: 'md5', value: content.md5 } }).promise;
    expect(Date.now() - started).toBeLessThan(5000); // the close grace, not the 30 s idle timeout
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });

  it('skips 103 Early Hints and decodes a chunked body split across writes', async () => {
    const url = await rawServer((send, end) => {
      send('HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n');
      send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nETag: "c"\r\n\r\n');
      for (let offset = 0; offset < content.body.length; offset += 7000) {
        const piece = content.body.subarray(offset, offset + 7000);
        send(`${piece.length.toString(16)}\r\n`);
        send(piece);
        send('\r\n');
      }
      send('0\r\n\r\n');
      end();
    });
    const result = await downloadModel(url, { modelPath: dir, checksum: { algorithm: 'md5', value: content.md5 } }).promise;
    expect(await fileSha256(result.path)).toBe(content.sha256);
  });
});
