import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from './testing/cli-process.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('the gpt4all bin', () => {
  it('is an executable script that needs only the package\'s dependencies (what `npx @gpt4all/cli` installs)', async () => {
    expect(manifest.bin).toEqual({ gpt4all: './dist/cli.js' });
    const source = await readFile(CLI_PATH, 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const imported = new Set([...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]!));
    const packages = [...imported].filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier));
    for (const specifier of packages) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      expect(Object.keys(manifest.dependencies), `${specifier} is imported by the bin`).toContain(name);
    }
    expect(packages).toContain('commander');
  });

  it('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('--help lists every command, and each command has its own --help', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['chat', 'run', 'pull', 'list', 'rm', 'serve', 'doctor']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      const own = await runCli([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: gpt4all ${command}`);
    }
    const serve = await runCli(['serve', '--help']);
    for (const flag of ['--model <model>', '--host <host>', '--port <port>', '--parallel <n>', '--threads <n>', '--api-key <key>', '--cors <origin>', '--context-size <n>', '--models-dir <dir>', '--lazy']) {
      expect(serve.stdout).toContain(flag);
    }
  });

  it('exits 2 for an unknown command or option, with the message on stderr', async () => {
    for (const args of [['bogus'], ['--bogus'], ['list', '--bogus'], ['serve', '--port', '99999']]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: /);
    }
  });
});
