// A real HTTP server on 127.0.0.1 that serves a models catalog and model files, as GPT4All's
// model host does, for the loading-by-name tests.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelServer {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `/models3.json` (the JSON of `catalog()`, read per request) and `files` under `/files/<name>`. */
export async function startModelServer(files: Record<string, string>, catalog: (url: string) => unknown): Promise<ModelServer> {
  const requests: string[] = [];
  let base = '';
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', base).pathname;
    requests.push(path);
    if (path === '/models3.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(catalog(base)));
      return;
    }
    const file = path.startsWith('/files/') ? files[decodeURIComponent(path.slice('/files/'.length))] : undefined;
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    const { size } = await stat(file);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    response.writeHead(range ? 206 : 200, {
      'content-length': String(size - start),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    createReadStream(file, { start }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
