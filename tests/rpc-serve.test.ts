// `gpt4all serve --rpc`: the server's model spread over an RPC worker. A worker that dies makes
// requests fail with 503 `ERR_RPC_UNAVAILABLE` (the server stays up); once a worker is back on
// that address, the next request loads the model again and is served.
import { ensureTestModel } from '@gpt4all/test-models';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, freePort, startWorker, type WorkerProcess } from './support/rpc-workers.js';

let server: ChildProcess;
let output = '';
let baseUrl: string;
let worker: WorkerProcess;
let workerPort: number;

async function complete(model: string): Promise<{ status: number; body: { choices?: { text: string }[]; error?: { code: string; message: string } } }> {
  const response = await fetch(`${baseUrl}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0 }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

beforeAll(async () => {
  const path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', size: { embeddingLength: 64, blockCount: 4, headCount: 4, headCountKv: 2, feedForwardLength: 128, contextLength: 2048 }, seed: 41 });
  workerPort = await freePort();
  worker = await startWorker({ port: workerPort });
  // Port 0, and the URL it prints: a port chosen beforehand can be taken meanwhile by the
  // server's own connection to the worker (an ephemeral port from the same range), as it was once.
  server = spawn(process.execPath, [cliPath, 'serve', '--model', path, '--rpc', worker.endpoint, '--rpc-split', '1,1', '--port', '0', '--no-web', '--parallel', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('OpenAI base URL')) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`gpt4all serve did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  baseUrl = /OpenAI base URL: (\S+)\/v1/.exec(output)![1]!;
});

afterAll(async () => {
  server?.kill('SIGKILL');
  await worker?.kill();
});

describe('gpt4all serve --rpc', () => {
  it('serves a spread model, answers 503 while its worker is gone, and recovers when it is back', async () => {
    const { data } = (await (await fetch(`${baseUrl}/v1/models`)).json()) as { data: { id: string }[] };
    const id = data[0]!.id;
    const first = await complete(id);
    expect(first.body.error?.message ?? first.status).toBe(200);
    expect(first.body.choices![0]!.text.length).toBeGreaterThan(0);
    // The worker served the layers.
    expect(worker.output()).toMatch(/Accepted client connection/);

    await worker.kill();
    const gone = await complete(id);
    expect(gone.status).toBe(503);
    expect(gone.body.error!.code).toBe('ERR_RPC_UNAVAILABLE');
    expect(gone.body.error!.message).toContain(worker.endpoint);
    // The server is still there.
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);

    worker = await startWorker({ port: workerPort });
    const back = await complete(id);
    expect(back.body.error?.message ?? back.status).toBe(200);
    expect(back.body.choices![0]!.text).toBe(first.body.choices![0]!.text);
  });
});
