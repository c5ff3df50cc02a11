// A loopback model host for the download tests: a GPT4All-style catalog (`/models3.json`) and its
// files, with byte ranges (resume) and a gate that stalls every transfer at a chosen byte until
// the test opens it (so a download is surely in progress when the test cancels it).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostedModel {
  /** Catalog display name. */
  name: string;
  filename: string;
  /** The file served for it (and described in the catalog). */
  path: string;
  /** Listed in the catalog, but its URL answers 404 (a catalog out of date). */
  missing?: boolean;
}

export interface CatalogServer {
  /** URL of the catalog, for `GPT4ALL_CATALOG_URL`. */
  catalogUrl: string;
  /** Transfers stall once they reach this byte of a file (until {@link open}); Infinity: never. */
  stallAt: number;
  /** Lets stalled and later transfers run to the end. */
  open(): void;
  /** Range requests seen (`bytes=N-`), by file name, in order; undefined for a whole-file request. */
  readonly requests: { filename: string; range: string | undefined }[];
  close(): Promise<void>;
}

export async function startCatalogServer(models: HostedModel[], options: { stallAt?: number } = {}): Promise<CatalogServer> {
  const files = new Map<string, { path: string; size: number; missing: boolean }>();
  for (const model of models) files.set(model.filename, { path: model.path, size: (await stat(model.path)).size, missing: model.missing === true });
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  const requests: CatalogServer['requests'] = [];
  const state = { stallAt: options.stallAt ?? Number.POSITIVE_INFINITY };

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/models3.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await catalog()));
      return;
    }
    const filename = decodeURIComponent(url.pathname.replace(/^\/files\//, ''));
    const file = files.get(filename);
    if (!file || file.missing) {
      response.writeHead(404).end();
      return;
    }
    requests.push({ filename, range: request.headers.range });
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: `"${file.size}"`, 'content-length': String(file.size - start) };
    if (start > 0) response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${file.size - 1}/${file.size}` });
    else response.writeHead(200, headers);
    let position = start;
    const stream = createReadStream(file.path, { start, highWaterMark: 256 * 1024 });
    response.on('close', () => stream.destroy());
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (position + chunk.length > state.stallAt && position < state.stallAt) {
        const before = state.stallAt - position;
        response.write(chunk.subarray(0, before));
        await gate;
        if (response.destroyed) return;
        response.write(chunk.subarray(before));
      } else if (!response.write(chunk)) {
        await new Promise((resolve) => response.once('drain', resolve));
      }
      position += chunk.length;
      if (response.destroyed) return;
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function catalog() {
    return Promise.all(
      models.map(async (model, index) => ({
        order: String.fromCharCode(97 + index),
        name: model.name,
        filename: model.filename,
        filesize: String(files.get(model.filename)!.size),
        md5sum: createHash('md5').update(await readFile(model.path)).digest('hex'),
        ramrequired: '1',
        parameters: '4 million',
        quant: 'f32',
        type: 'qwen2',
        description: '<p>A tiny <strong>test</strong> model with random weights.</p>',
        url: `${base}/files/${encodeURIComponent(model.filename)}`,
      })),
    );
  }

  return {
    catalogUrl: `${base}/models3.json`,
    get stallAt() {
      return state.stallAt;
    },
    set stallAt(value: number) {
      state.stallAt = value;
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    open: () => release(),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
