// Native objects that live long (a log handler, models, contexts) must not keep Node's event
// loop open once nothing is in flight: a script that has finished its work exits on its own,
// without dispose() or setLogHandler(null). Each case runs a short script in its own process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let generative: string;
let embedding: string;

beforeAll(async () => {
  generative = await testModelPath('llamaSpm');
  embedding = await testModelPath('bert');
});

/** Runs `body` as an ES module with `core` imported; resolves with how the process ended. */
function runScript(body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; hung: boolean }> {
  const source = `import * as core from ${JSON.stringify(entry)};\n${body}\nconsole.log('script done');\n`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // Only a guard against a hang, which is the failure under test: a healthy script exits in
  // well under a second after its last line.
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, hung });
    });
  });
}

async function expectExitsOnItsOwn(body: string) {
  const result = await runScript(body);
  expect(result.hung, `the script kept running after its work was done\n${result.stderr}`).toBe(false);
  expect(result.stderr).toBe('');
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('script done');
  return result;
}

describe('a finished script exits while native objects are alive', () => {
  it('with a log handler installed (and receiving lines)', async () => {
    const result = await expectExitsOnItsOwn(`
      let lines = 0;
      core.setLogHandler((level, line) => { lines++; }, 'info');
      const model = await core.loadModel(${JSON.stringify(generative)}, { vocabOnly: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log('log lines', lines > 0);
    `);
    expect(result.stdout).toContain('log lines true');
  });

  it('with a model loaded and not disposed', async () => {
    await expectExitsOnItsOwn(`
      const model = await core.loadModel(${JSON.stringify(generative)});
      console.log(model.info.architecture);
    `);
  });

  it('with a context that generated and was not disposed', async () => {
    const result = await expectExitsOnItsOwn(`
      const model = await core.loadModel(${JSON.stringify(generative)});
      const context = await model.createContext({ contextSize: 256, threads: 1 });
      const out = await context.generate('Hello', { maxTokens: 4, temperature: 0 });
      console.log('tokens', out.completionTokens);
    `);
    expect(result.stdout).toContain('tokens 4');
  });

  it('with an embedding context that embedded and was not disposed', async () => {
    const result = await expectExitsOnItsOwn(`
      const model = await core.loadModel(${JSON.stringify(embedding)});
      const [vector] = await model.embed('hello world');
      console.log('dimensions', vector.length > 0);
    `);
    expect(result.stdout).toContain('dimensions true');
  });

  it('after an aborted generation', async () => {
    const result = await expectExitsOnItsOwn(`
      const model = await core.loadModel(${JSON.stringify(generative)});
      const context = await model.createContext({ contextSize: 512, threads: 1 });
      const controller = new AbortController();
      const out = await context.generate('Once upon a time', {
        maxTokens: 400,
        onToken: () => controller.abort(),
        signal: controller.signal,
      });
      console.log('finish', out.finishReason);
    `);
    expect(result.stdout).toContain('finish abort');
  });
});
