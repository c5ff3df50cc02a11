import { describe, expect, it } from 'vitest';
import { InsufficientDiskError } from '../errors/insufficient-disk-error.js';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { listModelDir } from '../testing/temp-dir.js';
import { downloadModel } from './download-model.js';
import { perTestServer } from '../testing/per-test-server.js';

const content = makeContent(100_000);
let server: FaultServer;
let dir: string;
perTestServer((fixture) => ({ server, dir } = fixture));

describe('free disk space', () => {
  it('is checked against the catalog size before requesting anything', async () => {
    server.route('/m.gguf', (_req, _res, ctx) => ctx.sendFile({ body: content.body }));
    const error = await downloadModel(server.url('/m.gguf'), { modelPath: dir, expectedSize: 2 ** 52 }).promise.catch((caught: unknown) => caught);
    expect(InsufficientDiskError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_INSUFFICIENT_DISK', requiredBytes: 2 ** 52, directory: dir });
    expect(server.requests).toHaveLength(0);
    expect(await listModelDir(dir)).toEqual([]);
  });

  it('is checked against Content-Length before reading the body when no size was given', async () => {
    server.route('/huge.gguf', (_req, res) => {
      res.writeHead(200, { 'content-length': String(2 ** 52) });
      res.write(content.body);
    });
    const error = await downloadModel(server.url('/huge.gguf'), { modelPath: dir }).promise.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_INSUFFICIENT_DISK', requiredBytes: 2 ** 52 });
    expect(await listModelDir(dir)).toEqual([]);
  });
});
