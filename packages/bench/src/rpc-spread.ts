// The network's cost of spreading a model over machines: the big model's pp and tg with its layers
// split across this machine and two RPC workers on loopback (llama.cpp's RPC backend, each
// worker a process of its own), against the same model on this machine alone, in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThroughputJob } from './jobs.js';
import type { MeasurementGuard } from './measurement-guard.js';
import type { SampleStore } from './results.js';
import { runJob } from './run-process.js';

/** Workers the big model is spread over. */
export const RPC_WORKERS = 2;

/** An RPC worker process, started through `@gpt4all/core`'s `serveRpcWorker`. */
async function startWorker(threads: number, backend: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const code = `import('@gpt4all/core').then((c) => c.serveRpcWorker({ port: ${port}, threads: ${threads} })).then((w) => console.log('ready ' + w.endpoint), (e) => { console.error(e.message); process.exit(1); });`;
  // From this package's directory, where @gpt4all/core resolves.
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    env: { ...process.env, GPT4ALL_BACKEND: backend },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  // ggml's server prints its transport line just before it listens.
  while (!/transport\s*:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`RPC worker did not start: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return { endpoint: `127.0.0.1:${port}`, child };
}

/**
 * Measures `job` (ours, the big model) spread over this machine and {@link RPC_WORKERS} workers,
 * storing `big.pp.rpc` and `big.tg.rpc`. The workers use the same thread count; with the layers in
 * a pipeline, one place computes at a time.
 */
export async function measureRpcSpread(options: { job: ThroughputJob; passes: number; guard: MeasurementGuard; store: SampleStore; timeoutMs: number }): Promise<void> {
  const { job, guard, store } = options;
  const workers = [];
  try {
    for (let i = 0; i < RPC_WORKERS; i++) workers.push(await startWorker(job.threads, job.backend));
    const spread: ThroughputJob = { ...job, rpcWorkers: workers.map((w) => w.endpoint) };
    for (let pass = 0; pass < options.passes; pass++) {
      const label = `big model spread over this machine and ${RPC_WORKERS} RPC workers (loopback), pass ${pass + 1}/${options.passes}: ours`;
      // The workers compute their layers: their CPU time is part of the measurement, not contention.
      const r = await guard.run(label, () => runJob<'throughput'>(spread, options.timeoutMs), workers.map((w) => w.child.pid!));
      store.add('big.pp.rpc', r.pp?.tokensPerSecond);
      store.add('big.tg.rpc', r.tg?.tokensPerSecond);
    }
  } finally {
    for (const worker of workers) worker.child.kill('SIGKILL');
  }
}
