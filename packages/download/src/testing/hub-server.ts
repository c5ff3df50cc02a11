// A loopback stand-in for the Hugging Face Hub: the few endpoints the `hf:` references use.
//   GET /api/models/{owner}/{repo}[/revision/{rev}]?blobs=true  -> { id, siblings: [{ rfilename, size, lfs }] }
//   GET /{owner}/{repo}/resolve/{rev}/{path}                     -> 302 to /cdn/{sha256} (as the Hub does for LFS files)
//   GET /cdn/{sha256}                                            -> the bytes (Range supported)
// A gated repository answers 401 without `Authorization: Bearer <token>` and 403 with another token.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One repository: its files (path -> bytes, or a local file to read) per revision (`main` by default). */
export interface HubRepo {
  files: Record<string, Buffer | string>;
  /** Other revisions' files. */
  revisions?: Record<string, Record<string, Buffer | string>>;
  /** Token required for everything in this repository. */
  gatedToken?: string;
}

export interface HubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface HubServer {
  /** Base URL, such as `http://127.0.0.1:40123` (the `hubEndpoint`). */
  url: string;
  /** Requests so far, in order. */
  requests: HubRequest[];
  /** Makes the bytes of one served file differ from its listed digest (to test verification). */
  corrupt(repo: string, path: string): void;
  close(): Promise<void>;
}

interface Blob {
  bytes: Buffer;
  sha256: string;
}

export async function startHubServer(repos: Record<string, HubRepo>): Promise<HubServer> {
  // Every file read and hashed once, by revision.
  const blobs = new Map<string, Blob>();
  const trees = new Map<string, Map<string, Blob>>();
  for (const [id, repo] of Object.entries(repos)) {
    for (const [revision, files] of Object.entries({ main: repo.files, ...repo.revisions })) {
      const tree = new Map<string, Blob>();
      for (const [path, source] of Object.entries(files)) {
        const bytes = typeof source === 'string' ? await readFile(source) : source;
        const blob = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
        blobs.set(blob.sha256, blob);
        tree.set(path, blob);
      }
      trees.set(`${id}@${revision}`, tree);
    }
  }
  const corrupted = new Set<string>();
  const requests: HubRequest[] = [];

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://hub');
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: request.method ?? 'GET', path: url.pathname, authorization: request.headers.authorization });
    const api = /^\/api\/models\/([^/]+\/[^/]+?)(?:\/revision\/([^/]+))?$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repoId = api?.[1] ?? resolve?.[1];
    if (repoId !== undefined) {
      const repo = repos[repoId];
      if (!repo) return void response.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
      if (repo.gatedToken !== undefined) {
        const auth = request.headers.authorization;
        if (auth === undefined) return void response.writeHead(401).end('Access to this repository is restricted');
        if (auth !== `Bearer ${repo.gatedToken}`) return void response.writeHead(403).end('Invalid token');
      }
      const revision = api ? (api[2] ?? 'main') : resolve![2]!;
      const tree = trees.get(`${repoId}@${revision}`);
      if (!tree) return void response.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end('Revision not found');
      if (api) {
        const siblings = [...tree].map(([rfilename, blob]) => ({
          rfilename,
          size: blob.bytes.length,
          lfs: { sha256: blob.sha256, size: blob.bytes.length, pointerSize: 134 },
        }));
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repoId, sha: 'f'.repeat(40), siblings }));
      }
      const blob = tree.get(resolve![3]!);
      if (!blob) return void response.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return void response
        .writeHead(302, { location: `/cdn/${blob.sha256}${corrupted.has(`${repoId}/${resolve![3]}`) ? '?corrupt=1' : ''}`, 'x-linked-etag': `"${blob.sha256}"`, 'x-linked-size': String(blob.bytes.length) })
        .end();
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    const blob = cdn && blobs.get(cdn[1]!);
    if (!blob) return void response.writeHead(404).end('not found');
    let bytes = blob.bytes;
    if (url.searchParams.has('corrupt')) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Math.min(Number(range[1]), bytes.length) : 0;
    response.writeHead(range ? 206 : 200, {
      'content-length': String(bytes.length - start),
      'accept-ranges': 'bytes',
      etag: `"${blob.sha256}"`,
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    response.end(bytes.subarray(start));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    corrupt: (repo, path) => void corrupted.add(`${repo}/${path}`),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
