// Runs examples/ai-sdk.mjs as a user would (a child process importing the built package, on the
// generated models), so CI keeps it working.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../../..');

describe('examples/ai-sdk.mjs', () => {
  it('streams text, generates an object, runs a tool loop and embeds', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/ai-sdk.mjs', '--threads', '1'], { cwd: repoRoot, timeout: 120_000 });
    expect(stdout).toMatch(/^usage: 32 tokens at \d+ tokens\/s$/m);
    const object = JSON.parse(/^object: (.*)$/m.exec(stdout)![1]!) as { age: number; city: string };
    expect(['Paris', 'London', 'Tokyo']).toContain(object.city);
    const [, city, result] = /^tool call: get_weather\((\{.*\})\) -> (\{.*\})$/m.exec(stdout)!;
    expect(JSON.parse(result!)).toMatchObject(JSON.parse(city!));
    expect(stdout).toMatch(/^steps: 2$/m);
    expect(Number(/^similarity: (.*)$/m.exec(stdout)![1])).toBeGreaterThan(0);
  });
});
