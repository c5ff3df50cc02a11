import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process.js';

describe('gpt4all doctor', () => {
  it('--json prints the findings of @gpt4all/core\'s doctor, which parse', async () => {
    const result = await runCli(['doctor', '--json']);
    const findings = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(findings).toMatchObject({ platform: expect.any(String), nodeVersion: process.version });
    // The very doctor of @gpt4all/core, not a copy: the same fields as its own bin, and its exit status.
    const core = join(dirname(createRequire(import.meta.url).resolve('@gpt4all/core/package.json')), 'dist/doctor.js');
    const own = await promisify(execFile)(process.execPath, [core, '--json']).catch((error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }));
    expect(Object.keys(findings).sort()).toEqual(Object.keys(JSON.parse(own.stdout) as object).sort());
    expect(result.code).toBe('code' in own ? own.code : 0);
  });

  it('prints the report as text without --json', async () => {
    const result = await runCli(['doctor']);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(() => JSON.parse(result.stdout)).toThrow();
  });
});
