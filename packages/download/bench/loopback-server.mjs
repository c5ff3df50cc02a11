// Static file server on 127.0.0.1 for the bench, run as its own process so
// that serving does not share an event loop with the client being measured.
// Usage: node loopback-server.mjs <file>  -> prints {"port":N} on stdout.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
const { size, mtimeMs } = statSync(file);
const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

const server = createServer((request, response) => {
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const ifRange = request.headers['if-range'];
  const headers = { etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  if (range && (!ifRange || ifRange === etag)) {
    start = Number(range[1]);
    response.writeHead(206, { ...headers, 'content-length': size - start, 'content-range': `bytes ${start}-${size - 1}/${size}` });
  } else {
    response.writeHead(200, { ...headers, 'content-length': size });
  }
  createReadStream(file, { start, highWaterMark: 1024 * 1024 }).pipe(response);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
