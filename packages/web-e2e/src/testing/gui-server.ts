// `gpt4all serve` as a user starts it (the built bin of @gpt4all/cli, in a child process), on a
// free port, with a model directory of the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testModelPath, type TestModelName } from './test-models.js';

const cliPath = join(dirname(createRequire(import.meta.url).resolve('@gpt4all/cli/package.json')), 'dist/cli.js');

export interface GuiServer {
  /** Base URL of the server: the web app is at `url + '/'`. */
  url: string;
  modelsDir: string;
  process: ChildProcess;
  /** Everything the server wrote on stderr so far. */
  readonly log: string;
  /** SIGTERM, then waits for the exit; removes the model directory. */
  stop(): Promise<void>;
}

export interface GuiServerOptions {
  /** Test models copied into the model directory, as `<file name>: <test model>`. */
  installed: Record<string, TestModelName>;
  /** Extra `gpt4all serve` arguments. */
  args?: string[];
  env?: Record<string, string>;
}

export async function startGuiServer(options: GuiServerOptions): Promise<GuiServer> {
  const root = await mkdtemp(join(tmpdir(), 'gpt4all-web-e2e-'));
  const modelsDir = join(root, 'models');
  await mkdir(modelsDir);
  for (const [filename, model] of Object.entries(options.installed)) await copyFile(await testModelPath(model), join(modelsDir, filename));
  const first = Object.keys(options.installed)[0]!;
  const args = ['serve', '--port', '0', '--threads', '1', '--lazy', '--models-dir', modelsDir, '--model', join(modelsDir, first), ...(options.args ?? [])];
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (log += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gpt4all serve did not start in 60 s:\n${log}`)), 60_000);
    const check = () => {
      const match = /^web app: (http:\/\/\S+?)\/$/m.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr!.on('data', check);
    void exited.then(() => reject(new Error(`gpt4all serve exited:\n${log}`)));
  });
  return {
    url,
    modelsDir,
    process: child,
    get log() {
      return log;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(root, { recursive: true, force: true });
    },
  };
}
