import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type CliChild, type CliOptions } from '../testing/cli-process.js';
import { tempDir } from '../testing/temp-dir.js';
import { testModelPath } from '../testing/test-models.js';

// @gpt4all/server is its own package; `serve` is tested once it is built.
const serverBuilt = existsSync(join(dirname(createRequire(import.meta.url).resolve('@gpt4all/server/package.json')), 'dist/index.js'));

let dir: { path: string; remove: () => Promise<void> };
let hello: string;
let endless: string;
let cli: CliOptions;
let child: CliChild | undefined;

beforeAll(async () => {
  dir = await tempDir();
  hello = await testModelPath('hello');
  endless = await testModelPath('endless');
  const catalog = join(dir.path, 'catalog.json');
  await writeFile(catalog, '[]');
  cli = { env: { GPT4ALL_MODEL_PATH: join(dir.path, 'models'), GPT4ALL_CATALOG_URL: catalog } };
});
afterAll(async () => {
  child?.process.kill('SIGKILL');
  await dir.remove();
});

/** Starts `gpt4all serve ...args` on a free port and reads the URL and model ids it prints. */
async function serve(args: string[]): Promise<{ url: string; ids: string[] }> {
  child = startCli(['serve', '--port', '0', '--threads', '1', ...args], { ...cli, timeoutMs: 120_000 });
  await child.waitForStderr(/^serving .+ on http:\/\/\S+$/m, 60_000);
  const [, ids, url] = /^serving (.+) on (http:\/\/\S+)$/m.exec(child.stderr)!;
  return { url: url!, ids: ids!.split(', ') };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe.skipIf(!serverBuilt)('gpt4all serve', () => {
  it('leaves the defaults to the server, and its help names them', async () => {
    const { SERVER_DEFAULTS } = await import('@gpt4all/server');
    // Read as one line: the help wraps its descriptions at the terminal's width.
    const help = (await runCli(['serve', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`default: ${SERVER_DEFAULTS.host}`);
    expect(help).toContain(`default: ${SERVER_DEFAULTS.port}`);
    expect(help).toContain(`default: ${SERVER_DEFAULTS.parallel})`);
    expect(help).toContain(`(default: ${SERVER_DEFAULTS.maxLoadedModels})`);
    expect(help).toContain('--catalog-url');
  });

  it('serves /v1/models and chat completions; SIGTERM closes it and exits 0', async () => {
    const { url, ids } = await serve(['--model', hello]);
    expect(ids).toHaveLength(1);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(ids);

    const response = await post(`${url}/v1/chat/completions`, { model: ids[0], messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]!.message.content).toBe('Hello there!');

    child!.process.kill('SIGTERM');
    const result = await child!.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('--catalog-url names the catalog the web app offers (over $GPT4ALL_CATALOG_URL)', async () => {
    const catalog = join(dir.path, 'other-catalog.json');
    await writeFile(catalog, JSON.stringify([{ order: 'a', name: 'Other Model', filename: 'other.gguf', filesize: '1000', md5sum: '0'.repeat(32), url: 'http://127.0.0.1:9/other.gguf' }]));
    const { url } = await serve(['--model', hello, '--catalog-url', catalog]);
    const entries = ((await (await fetch(`${url}/api/catalog`)).json()) as { entries: { name: string }[] }).entries;
    expect(entries.map((entry) => entry.name)).toEqual(['Other Model']);
    child!.process.kill('SIGTERM');
    expect((await child!.done).code).toBe(0);
  });

  it('--api-key requires the key; SIGINT lets a request in flight finish, then exits 0', async () => {
    const { url, ids } = await serve(['--model', endless, '--api-key', 'sesame', '--context-size', '4096']);
    const refused = await post(`${url}/v1/chat/completions`, { model: ids[0], messages: [{ role: 'user', content: 'sing' }] });
    expect(refused.status).toBe(401);

    const auth = { authorization: 'Bearer sesame' };
    // Long enough (a second or more) to be surely in flight when the signal comes, well within the grace period.
    const inFlight = post(`${url}/v1/chat/completions`, { model: ids[0], messages: [{ role: 'user', content: 'sing' }], max_tokens: 600 }, auth);
    // Once the request is being answered, ask the server to stop.
    const running = async () => /^gpt4all_running_requests\{[^}]*\} 1$/m.test(await (await fetch(`${url}/metrics`, { headers: auth })).text());
    while (!(await running())) await new Promise((resolve) => setTimeout(resolve, 20));
    child!.process.kill('SIGINT');
    const response = await inFlight;
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string }; finish_reason: string }[]; usage: { completion_tokens: number } };
    // Finished in full, not cut short by the signal.
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: expect.stringMatching(/^( la)+$/) } });
    expect(completion.usage.completion_tokens).toBe(600);
    const result = await child!.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/SIGINT: finishing the requests in flight[\s\S]*\nstopped\n$/);
  });

  it('a second SIGTERM during a generation ends the process by the signal at once, not by exit handlers', async () => {
    const { url, ids } = await serve(['--model', endless, '--context-size', '4096']);
    const inFlight = post(`${url}/v1/chat/completions`, { model: ids[0], messages: [{ role: 'user', content: 'sing' }], max_tokens: 3000 }).catch(() => undefined);
    const running = async () => /^gpt4all_running_requests\{[^}]*\} 1$/m.test(await (await fetch(`${url}/metrics`)).text());
    while (!(await running())) await new Promise((resolve) => setTimeout(resolve, 20));
    child!.process.kill('SIGTERM');
    await child!.waitForStderr(/SIGTERM: finishing the requests in flight/, 10_000);
    child!.process.kill('SIGTERM');
    const result = await child!.done;
    // Killed by SIGTERM (status 143 to a shell), never SIGSEGV or SIGABRT from destructors running under the decode threads.
    expect(result.signal).toBe('SIGTERM');
    expect(result.code).toBe(143);
    await inFlight;
  });

  it('refuses malformed --rpc and --rpc-split as usage errors, and an unreachable worker as an RPC error', async () => {
    for (const args of [['--rpc', 'nohost'], ['--rpc', 'host:0'], ['--rpc-split', '1,1'], ['--rpc', '127.0.0.1:1', '--rpc-split', '1'], ['--rpc', '127.0.0.1:1', '--rpc-split', '1,x']]) {
      const result = await runCli(['serve', '--model', hello, '--port', '0', ...args], cli);
      expect(result.code, args.join(' ')).toBe(2);
    }
    const unreachable = await runCli(['serve', '--model', hello, '--port', '0', '--rpc', '127.0.0.1:1'], cli);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/RPC worker 127\.0\.0\.1:1 unavailable: connection refused.*\(ERR_RPC_UNAVAILABLE\)/);
  });
});
