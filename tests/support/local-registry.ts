// A throwaway Verdaccio registry on loopback, with its own storage, no uplinks (nothing is
// proxied to npmjs.org, so a package can only come from what this run published), and one user
// whose token publishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface LocalRegistry {
  url: string;
  /** An auth token for `//host:port/:_authToken=`. */
  token: string;
  /** The `.npmrc` lines that point npm and pnpm at this registry, with the token. */
  npmrc: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Starts Verdaccio in `dir` (config, storage) and registers a publishing user. */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'verdaccio.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks: {}',
      // GPU platform packages are tens of megabytes (the Vulkan addon is ~48 MB); the default is 10 MB.
      'max_body_size: 500mb',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const bin = join(require.resolve('verdaccio/package.json'), '..', 'bin', 'verdaccio');
  const server = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout?.on('data', (data: Buffer) => (log += data.toString()));
  server.stderr?.on('data', (data: Buffer) => (log += data.toString()));
  try {
    await waitUntilUp(url, server, () => log);
    const token = await addUser(url);
    const host = url.replace(/^http:/, '');
    return { url, token, npmrc: `registry=${url}\n${host}:_authToken=${token}\n`, stop: () => stop(server) };
  } catch (error) {
    await stop(server);
    throw error;
  }
}

async function waitUntilUp(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`verdaccio exited (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`verdaccio did not start within 30 s:\n${log()}`);
}

/** `npm adduser`'s request: creates the user and returns its token. */
async function addUser(url: string): Promise<string> {
  const name = 'gpt4all-release';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'local-registry-only', email: 'release@localhost', type: 'user', roles: [] }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(`verdaccio did not create a user: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}
