// RPC workers for tests: `gpt4all rpc-worker` processes, on loopback or inside a network
// namespace, and a pair of namespaces joined by a veth pair that each test run creates and removes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './llama-tools.js';

export const cliPath = join(repoRoot, 'packages/cli/dist/cli.js');

/** A running worker process. */
export interface WorkerProcess {
  endpoint: string;
  process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL, and wait for it to be gone. */
  kill(): Promise<void>;
}

/** A free TCP port on loopback (the OS's choice, released for the caller to use at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `gpt4all rpc-worker` (in `netns` when given, through `ip netns exec`) and resolves once
 * it accepts connections.
 */
export async function startWorker(options: { host?: string; port: number; netns?: string; args?: string[] }): Promise<WorkerProcess> {
  const host = options.host ?? '127.0.0.1';
  const args = [cliPath, 'rpc-worker', '--host', host, '--port', String(options.port), '--threads', '1', ...(options.args ?? [])];
  const child = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker: WorkerProcess = {
    endpoint: `${host}:${options.port}`,
    process: child,
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  // ggml's server prints its transport line just before it creates the listening socket.
  const deadline = Date.now() + 20_000;
  while (!/transport\s*:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await worker.kill();
      throw new Error(`rpc-worker did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return worker;
}

/** Whether this process may create network namespaces (root, with iproute2). */
export function canCreateNetns(): boolean {
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** Two network namespaces joined by a veth pair: `host` at `hostAddress`, `workers` at `workerAddress`. */
export interface NamespacePair {
  host: string;
  workers: string;
  hostAddress: string;
  workerAddress: string;
  remove(): void;
}

/**
 * Creates two namespaces joined by a veth pair on a private /24, named after this process so that
 * parallel runs do not collide; removing a namespace removes its end of the pair, and the pair.
 */
export function createNamespacePair(): NamespacePair {
  const id = process.pid % 100_000;
  const host = `gpt4all-rpc-h${id}`;
  const workers = `gpt4all-rpc-w${id}`;
  // Interface names are at most 15 bytes.
  const [hostIf, workerIf] = [`g4h${id}`, `g4w${id}`];
  const subnet = `10.${200 + (id % 50)}.${id % 250}`;
  const pair: NamespacePair = {
    host,
    workers,
    hostAddress: `${subnet}.1`,
    workerAddress: `${subnet}.2`,
    remove: () => {
      for (const ns of [host, workers]) {
        try {
          execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
        } catch {
          // not there
        }
      }
    },
  };
  pair.remove(); // left over from a run of a process with the same id
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    ip('netns', 'add', host);
    ip('netns', 'add', workers);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', workerIf);
    ip('link', 'set', hostIf, 'netns', host);
    ip('link', 'set', workerIf, 'netns', workers);
    ip('-n', host, 'addr', 'add', `${pair.hostAddress}/24`, 'dev', hostIf);
    ip('-n', workers, 'addr', 'add', `${pair.workerAddress}/24`, 'dev', workerIf);
    for (const [ns, dev] of [[host, hostIf], [workers, workerIf], [host, 'lo'], [workers, 'lo']] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (error) {
    pair.remove();
    throw error;
  }
  return pair;
}
