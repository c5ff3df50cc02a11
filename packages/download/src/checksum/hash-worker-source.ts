/**
 * Source of the hashing worker, evaluated with `new Worker(source, { eval: true })`
 * so that the bundle needs no extra file. Runs as CommonJS inside the worker.
 *
 * Protocol (main -> worker):
 *   { type: 'update', id, buffer, offset, length }  hash a region (SharedArrayBuffer: no copy)
 *   { type: 'file', id, path, length }               hash the first `length` bytes of a file
 *   { type: 'digest', id }                           finish; answers { id, digest }
 * Every message is answered with { id } (or { id, error }) once handled, in order.
 * While hashing a file it also posts { id, progress: bytesSoFar }.
 */
export const HASH_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const hash = createHash(workerData.algorithm);
const CHUNK = 4 * 1024 * 1024;
parentPort.on('message', (message) => {
  try {
    if (message.type === 'update') {
      hash.update(new Uint8Array(message.buffer, message.offset, message.length));
      parentPort.postMessage({ id: message.id });
    } else if (message.type === 'file') {
      const fd = fs.openSync(message.path, 'r');
      const chunk = Buffer.allocUnsafe(CHUNK);
      let done = 0;
      let lastReport = 0;
      try {
        while (done < message.length) {
          const want = Math.min(CHUNK, message.length - done);
          const read = fs.readSync(fd, chunk, 0, want, done);
          if (read === 0) throw new Error('file is shorter than ' + message.length + ' bytes');
          hash.update(chunk.subarray(0, read));
          done += read;
          if (done - lastReport >= 64 * 1024 * 1024) {
            lastReport = done;
            parentPort.postMessage({ id: message.id, progress: done });
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      parentPort.postMessage({ id: message.id });
    } else if (message.type === 'digest') {
      parentPort.postMessage({ id: message.id, digest: hash.digest('hex') });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message || error) });
  }
});
`;
