import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The download package's own loopback test server (fault injection, Range support, request log).
import { FaultServer, makeContent, type SendOptions } from '../../../download/src/testing/fault-server.js';
import { fileSha256 } from '../../../download/src/testing/temp-dir.js';
import { CLI_PATH, runCli, startCli, type CliOptions } from '../testing/cli-process.js';
import { PtySession } from '../testing/pty-session.js';
import { tempDir } from '../testing/temp-dir.js';

const FILE = 'tiny-test.gguf';
const NAME = 'Tiny Test';
const SIZE = 4 * 1024 * 1024;

let server: FaultServer;
let dir: { path: string; remove: () => Promise<void> };
let content: ReturnType<typeof makeContent>;
let models: string;
let cli: CliOptions;
/** How the model route sends the file on the nth request (1-based). */
let sendOptions: (attempt: number) => SendOptions;
/** The catalog's md5 of the file (a wrong one tests verification). */
let catalogMd5: string;
let pty: PtySession | undefined;

beforeEach(async () => {
  dir = await tempDir();
  models = join(dir.path, 'models');
  content = makeContent(SIZE);
  catalogMd5 = content.md5;
  sendOptions = () => ({});
  server = await FaultServer.start();
  // A GPT4All catalog whose one model is served by the loopback server, found through the
  // CLI's GPT4ALL_CATALOG_URL.
  server.route('/models3.json', (_request, _response, context) =>
    context.sendFile({
      body: Buffer.from(JSON.stringify([{ order: 'a', name: NAME, filename: FILE, filesize: String(SIZE), md5sum: catalogMd5, url: server.url(`/files/${FILE}`) }])),
    }),
  );
  server.route(`/files/${FILE}`, (_request, _response, context) => context.sendFile({ body: content.body, etag: '"v1"' }, sendOptions(context.attempt)));
  cli = { env: { GPT4ALL_MODEL_PATH: models, GPT4ALL_CATALOG_URL: server.url('/models3.json') } };
});
afterEach(async () => {
  pty?.close();
  pty = undefined;
  await server.close();
  await dir.remove();
});

/** About 2 s for the whole file: long enough for several progress updates. */
const slow: SendOptions = { throttle: { chunk: 128 * 1024, intervalMs: 60 } };

describe('gpt4all pull', () => {
  it('draws a progress bar, redrawn in place, with percent, speed and ETA on a terminal', async () => {
    sendOptions = () => slow;
    pty = new PtySession([process.execPath, CLI_PATH, 'pull', NAME], { env: { ...process.env, ...cli.env } as NodeJS.ProcessEnv });
    expect(await pty.exit).toBe(0);
    const output = pty.output;
    // Each redraw returns to the start of the line (cli-progress: CSI 1 G) and rewrites it.
    const draws = output.split(/\r|\x1b\[1G/).filter((line) => /downloading .* \d+% \| [\d.]+ \w?i?B \/ 4\.00 MiB \| [\d.]+ \w?i?B\/s \| ETA/.test(line));
    expect(draws.length).toBeGreaterThanOrEqual(3);
    const percents = new Set(draws.map((line) => Number(/(\d+)%/.exec(line)![1])));
    expect(percents.size).toBeGreaterThanOrEqual(3);
    expect(output).toContain(`pulled ${NAME} (4.00 MiB)`);
    expect(await fileSha256(join(models, FILE))).toBe(content.sha256);
  });

  it('prints plain progress lines when stderr is not a terminal, and only the path on stdout', async () => {
    sendOptions = () => slow;
    const result = await runCli(['pull', NAME], cli);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${join(models, FILE)}\n`);
    expect(result.stderr).not.toMatch(/\r|\x1b/);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith(`${NAME}: downloading `));
    // One line per tenth of the file (or per 5 s), not one per update.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.at(-1)).toMatch(/downloading 100% \(4\.00 MiB of 4\.00 MiB, .*\/s, ETA \d+s\)/);
    expect(await fileSha256(join(models, FILE))).toBe(content.sha256);

    // Already there: verified, not downloaded again.
    const again = await runCli(['pull', FILE], cli);
    expect(again).toMatchObject({ code: 0, stdout: `${join(models, FILE)}\n` });
    expect(again.stderr).toContain('is already installed');
    expect(server.requestsFor(`/files/${FILE}`)).toHaveLength(1);
  });

  it('Ctrl-C keeps the partial download and exits 130; the next pull resumes it with a Range request', async () => {
    sendOptions = (attempt) => (attempt === 1 ? { throttle: { chunk: 64 * 1024, intervalMs: 100 } } : {});
    const first = startCli(['pull', NAME], cli);
    await first.waitForStderr(/downloading [1-9]\d*%/);
    first.process.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted: the partial download is kept/);
    expect(existsSync(join(models, FILE))).toBe(false);
    const partial = (await stat(join(models, `${FILE}.part`))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(SIZE);

    const second = await runCli(['pull', NAME], cli);
    expect(second.code).toBe(0);
    const [, resumed] = server.requestsFor(`/files/${FILE}`);
    expect(resumed!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/=(\d+)-/.exec(resumed!.range!)![1])).toBeGreaterThan(0);
    expect(resumed!.bytesSent).toBeLessThan(SIZE);
    expect(await fileSha256(join(models, FILE))).toBe(content.sha256);
    expect((await readdir(models)).filter((name) => !name.startsWith('.'))).toEqual([FILE]);
  });

  it('a checksum mismatch is a typed error, exit 1, and leaves no file under the final name', async () => {
    catalogMd5 = '0'.repeat(32);
    const result = await runCli(['pull', NAME], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .+ \(ERR_CHECKSUM_MISMATCH\)$/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
    expect(existsSync(join(models, FILE))).toBe(false);
  });

  it('downloads a URL as it is, and names an unknown model and a URL it cannot fetch with typed errors', async () => {
    const url = await runCli(['pull', server.url(`/files/${FILE}`)], cli);
    expect(url).toMatchObject({ code: 0, stdout: `${join(models, FILE)}\n` });
    expect(await fileSha256(join(models, FILE))).toBe(content.sha256);

    const unknown = await runCli(['pull', 'No Such Model'], cli);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: Model "No Such Model" not found\..* \(ERR_MODEL_NOT_FOUND\)\n$/);

    const ftp = await runCli(['pull', 'ftp://example.com/model.gguf'], cli);
    expect(ftp).toMatchObject({ code: 2, stdout: '' });
    expect(ftp.stderr).toMatch(/^error: .*only http\(s\) URLs/);
  });
});
