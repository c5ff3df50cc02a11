// Runs every example in examples/ as a user would (a child process, on the generated models), so
// CI keeps them working. They import the built package: `pnpm build` first (turbo does).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModels } from './models.js';

const repoRoot = resolve(__dirname, '../../..');

function runExample(file: string, args: string[] = [], input?: string): Promise<string> {
  return new Promise((done, fail) => {
    // One thread: the test machine's two cores are shared (see test/helpers.ts).
    const child = execFile(process.execPath, [`examples/${file}`, '--threads', '1', ...args], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${file} failed: ${error.message}\n${stdout}\n${stderr}`)) : done(stdout),
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(() => {
  if (!existsSync(resolve(__dirname, '../dist/index.js'))) throw new Error('the examples import the built package: run `pnpm build` first');
});

describe('examples', () => {
  it('use the models the global setup generates', async () => {
    const { generatedModels } = (await import(pathToFileURL(resolve(repoRoot, 'examples/example-models.mjs')).href)) as {
      generatedModels: Record<string, unknown>;
    };
    expect(generatedModels).toEqual({ chat: testModels.chat, embedding: testModels.bert });
  });

  it('chat-repl.mjs chats over stdin, reusing the cache, and resets', async () => {
    const output = await runExample('chat-repl.mjs', ['--max-tokens', '12', '--seed', '7'], 'Hello\nHow are you?\n/reset\nAgain\n/exit\n');
    expect(output).toContain('RANDOM WEIGHTS');
    expect(output).toContain('(conversation cleared)');
    const usage = [...output.matchAll(/^\[(\d+) prompt tokens, (\d+) from cache, (\d+) generated, (\w+)\]$/gm)].map((m) => m.slice(1, 4).map(Number));
    expect(usage).toHaveLength(3);
    const [first, second, afterReset] = usage as [number[], number[], number[]];
    expect(first[1]).toBe(0);
    expect(second[1]).toBeGreaterThanOrEqual(first[0]!); // the whole first prompt came from the cache
    expect(afterReset[1]).toBeGreaterThan(0); // the system message still did
    expect(afterReset[1]).toBeLessThan(afterReset[0]!);
    for (const [, , generated] of usage) expect(generated).toBeGreaterThan(0);
  });

  it('streaming.mjs streams a reply and reports its cost', async () => {
    const output = await runExample('streaming.mjs', ['--max-tokens', '24', '--seed', '7']);
    const [, text] = /^> .*\n\n([\s\S]*)\n\nfinished:/m.exec(output) ?? [];
    expect(text?.length).toBeGreaterThan(0);
    const summary = /finished: (eog|length|stop); (\d+) chunks, (\d+) tokens/.exec(output);
    expect(summary).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThan(0);
    expect(Number(summary![3])).toBeLessThanOrEqual(24);
  });

  it('embeddings.mjs ranks documents by cosine similarity', async () => {
    const output = await runExample('embeddings.mjs', ['--dimensionality', '128']);
    expect(output).toContain('5 documents embedded into 128 dimensions');
    const scores = [...output.matchAll(/^(-?\d\.\d{4}) {2}\S/gm)].map((m) => Number(m[1]));
    expect(scores).toHaveLength(5);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(Math.abs(score)).toBeLessThanOrEqual(1.0001);
  });

  it('abort.mjs stops a reply and carries on', async () => {
    const output = await runExample('abort.mjs', ['--after-tokens', '6', '--seed', '7']);
    const aborted = /\[finishReason: abort after (\d+) tokens \(aborted at 6\)\]/.exec(output);
    expect(aborted).not.toBeNull();
    expect(Number(aborted![1])).toBeGreaterThanOrEqual(6);
    const next = /\[finishReason: (eog|length|stop); (\d+) of (\d+) prompt tokens from cache\]/.exec(output);
    expect(next).not.toBeNull();
    expect(Number(next![2])).toBeGreaterThan(0);
    expect(output).toContain('history: user, assistant, user, assistant');
  });

  it('structured-output.mjs prints JSON that fits its schema', async () => {
    const output = await runExample('structured-output.mjs', ['--seed', '3']);
    expect(output).toMatch(/The schema becomes \d+ GBNF rules/);
    const json = /\n(\{[\s\S]*\})\n\nvalid JSON/.exec(output)?.[1];
    const value = JSON.parse(json!) as { name: string; age: number; city: string; languages: string[]; born: string };
    expect(['Paris', 'London', 'Tokyo']).toContain(value.city);
    expect(value.age).toBeGreaterThanOrEqual(0);
    expect(value.age).toBeLessThanOrEqual(120);
    expect(value.languages.length).toBeGreaterThanOrEqual(1);
    expect(value.born).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('tools.mjs calls a tool, runs it and answers', async () => {
    const output = await runExample('tools.mjs', ['--seed', '1']);
    expect(output).toContain('tool-call format of this model\'s template: hermes');
    const call = /^call: {3}get_weather\((\{.*\})\)$/m.exec(output);
    const city = (JSON.parse(call![1]!) as { city: string }).city;
    expect(output).toContain(`result: {"city":"${city}",`);
    expect(output).toMatch(/history: user, assistant, tool, assistant/);
  });

  it('start.mjs (the `pnpm start` demo) still runs', async () => {
    const output = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['examples/start.mjs', '--max-tokens', '8'], { cwd: repoRoot, timeout: 60_000 }, (error, stdout) => (error ? fail(error) : done(stdout))),
    );
    expect(output).toMatch(/8 tokens in .* finished by length/);
  });
});
