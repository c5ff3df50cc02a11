// Runs examples/langchain.mjs as a user would (a child process importing the built package, on
// the generated models), so CI keeps it working.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../../..');

describe('examples/langchain.mjs', () => {
  it('streams a chain, parses an object, calls a bound tool and embeds', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/langchain.mjs', '--threads', '1'], { cwd: repoRoot, timeout: 120_000 });
    expect(/^text: (.+)$/m.exec(stdout)![1]!.length).toBeGreaterThan(10);
    const object = JSON.parse(/^object: (.*)$/m.exec(stdout)![1]!) as { age: number; city: string };
    expect(['Paris', 'London', 'Tokyo']).toContain(object.city);
    const [, args, result] = /^tool call: get_weather\((\{.*\})\) -> (\{.*\})$/m.exec(stdout)!;
    expect(JSON.parse(result!)).toMatchObject(JSON.parse(args!));
    expect(Number(/^similarity: (.*)$/m.exec(stdout)![1])).toBeGreaterThan(0);
  });
});
