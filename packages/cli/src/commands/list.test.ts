import { existsSync } from 'node:fs';
import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliOptions } from '../testing/cli-process.js';
import { tempDir } from '../testing/temp-dir.js';
import { testModelPath } from '../testing/test-models.js';
import type { CatalogModelJSON, InstalledModelJSON } from './list.js';

let dir: { path: string; remove: () => Promise<void> };
let models: string;
let catalog: string;
let cli: CliOptions;

beforeEach(async () => {
  dir = await tempDir();
  models = join(dir.path, 'models');
  catalog = join(dir.path, 'models3.json');
  await writeFile(
    catalog,
    JSON.stringify([
      { order: 'a', name: 'Hello Model', filename: 'hello.gguf', filesize: '1000', parameters: '1 million', quant: 'F32', ramrequired: '1', url: 'http://127.0.0.1:9/hello.gguf' },
      { order: 'b', name: 'Other Model', filename: 'other.gguf', filesize: '2048', url: 'http://127.0.0.1:9/other.gguf' },
    ]),
  );
  cli = { env: { GPT4ALL_MODEL_PATH: models, GPT4ALL_CATALOG_URL: catalog } };
});
afterEach(() => dir.remove());

describe('gpt4all list', () => {
  it('says there is nothing installed in an empty model directory ([] with --json)', async () => {
    const table = await runCli(['list'], cli);
    expect(table).toMatchObject({ code: 0, stdout: '' });
    expect(table.stderr).toContain(`no models in ${models}`);
    const json = await runCli(['list', '--json'], cli);
    expect(json).toMatchObject({ code: 0 });
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('lists installed models with their sizes and catalog names', async () => {
    await mkdir(models);
    const hello = await testModelPath('hello');
    await symlink(hello, join(models, 'hello.gguf'));
    await writeFile(join(models, 'own.gguf'), Buffer.alloc(3000));
    await writeFile(join(models, 'unfinished.gguf.part'), Buffer.alloc(10)); // a download in progress is no model
    const size = (await stat(hello)).size;

    const json = await runCli(['list', '--json'], cli);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as InstalledModelJSON[];
    expect(listed.map((m) => [m.filename, m.size, m.name, m.complete])).toEqual([
      ['hello.gguf', size, 'Hello Model', true],
      ['own.gguf', 3000, null, true],
    ]);
    expect(new Date(listed[0]!.modifiedAt).getTime()).toBeGreaterThan(0);

    // The flags instead of the environment.
    const table = await runCli(['list', '--models-dir', models, '--catalog-url', catalog], { env: { GPT4ALL_MODEL_PATH: undefined, GPT4ALL_CATALOG_URL: undefined } });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FILE\s+SIZE\s+MODIFIED\s+NAME$/);
    expect(lines[1]).toMatch(/^hello\.gguf\s+[\d.]+ MiB\s+\d{4}-\d\d-\d\d\s+Hello Model$/);
    expect(lines[2]).toMatch(/^own\.gguf\s+2\.93 KiB\s+\d{4}-\d\d-\d\d$/);
    expect(table.stderr).toContain(`2 models in ${models}`);
  });

  it('--catalog lists the catalog with sizes and what is installed', async () => {
    await mkdir(models);
    await writeFile(join(models, 'other.gguf'), Buffer.alloc(2048));
    const json = await runCli(['list', '--catalog', '--json'], cli);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout) as CatalogModelJSON[]).toEqual([
      { name: 'Hello Model', filename: 'hello.gguf', size: 1000, parameters: '1 million', quant: 'F32', ramRequired: '1', installed: false },
      { name: 'Other Model', filename: 'other.gguf', size: 2048, parameters: null, quant: null, ramRequired: null, installed: true },
    ]);
    const table = await runCli(['list', '--catalog'], cli);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+FILE\s+SIZE\s+PARAMS\s+QUANT\s+RAM\s+INSTALLED\n/);
    expect(table.stdout).toMatch(/\nHello Model\s+hello\.gguf\s+1000 B\s+1 million\s+F32\s+1 GB\n/);
    expect(table.stdout).toMatch(/\nOther Model\s+other\.gguf\s+2\.00 KiB\s+yes\n$/);
  });
});

describe('gpt4all rm', () => {
  it('deletes an installed model by file name or catalog name, with what a download left', async () => {
    await mkdir(models);
    await writeFile(join(models, 'own.gguf'), Buffer.alloc(100));
    await writeFile(join(models, 'hello.gguf'), Buffer.alloc(100));
    await writeFile(join(models, 'hello.gguf.part'), Buffer.alloc(10));

    const byFile = await runCli(['rm', 'own'], cli);
    expect(byFile).toMatchObject({ code: 0, stdout: '' });
    expect(byFile.stderr).toBe(`removed ${join(models, 'own.gguf')}\n`);
    const byName = await runCli(['rm', 'Hello Model'], cli);
    expect(byName.code).toBe(0);
    expect(byName.stderr).toContain(`removed ${join(models, 'hello.gguf.part')}`);
    expect(existsSync(join(models, 'hello.gguf'))).toBe(false);
    expect(existsSync(join(models, 'hello.gguf.part'))).toBe(false);
  });

  it('a model that is not installed is a typed error, exit 1', async () => {
    const result = await runCli(['rm', 'own.gguf'], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Model "own\.gguf" not found\..*It is not installed in .*\(`gpt4all list` shows what is\)\. \(ERR_MODEL_NOT_FOUND\)\n$/);
    const usage = await runCli(['rm'], cli);
    expect(usage.code).toBe(2);
  });
});
