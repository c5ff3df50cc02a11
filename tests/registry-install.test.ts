// What a user gets from `npm install @gpt4all/core`: the packages go through the real release
// path (`changeset publish`, which runs `pnpm publish` and so rewrites `workspace:*`) into a
// local Verdaccio, then a fresh project outside the workspace installs from it with npm, loads a
// generated model and generates. Only the platform packages for this machine's OS and CPU may
// arrive, and no GPU package at all: those are opt-in.
import { ensureTestModel } from '@gpt4all/test-models';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from './support/local-registry.js';
import { repoRoot } from './support/llama-tools.js';
import { stageRelease, workspacePackages, type StagedPackage } from './support/release-stage.js';

const work = mkdtempSync(join(tmpdir(), 'gpt4all-registry-'));
let registry: LocalRegistry;
let staged: StagedPackage[];

/** A clean environment: nothing of the workspace (pnpm's NODE_PATH, forced variants) leaks in. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(work, 'home'), TMPDIR: tmpdir(), ...extra };
  return env;
}

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options, timeout: 300_000 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output}`);
  return output;
}

function treeSize(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + treeSize(join(path, entry)), stat.size);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

beforeAll(async () => {
  mkdirSync(join(work, 'home'), { recursive: true });
  registry = await startLocalRegistry(join(work, 'registry'));
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('npm install @gpt4all/core from a registry', () => {
  it('publishes every package of the release with changeset publish', () => {
    const stage = join(work, 'stage');
    staged = stageRelease(stage);
    writeFileSync(join(stage, '.npmrc'), registry.npmrc);
    writeFileSync(join(work, 'home', '.npmrc'), registry.npmrc);
    // pnpm publish resolves `workspace:*` through the installed links, as in the real checkout;
    // every dependency is a workspace package, so this needs no network.
    run('pnpm', ['install', '--offline', '--ignore-scripts', '--config.confirmModulesPurge=false'], { cwd: stage, env: cleanEnv() });
    const changeset = join(repoRoot, 'node_modules/@changesets/cli/bin.js');
    const output = run(process.execPath, [changeset, 'publish', '--no-git-tag'], {
      cwd: stage,
      env: cleanEnv({ npm_config_registry: registry.url, npm_config_userconfig: join(work, 'home', '.npmrc') }),
    });
    for (const { manifest } of staged) {
      const packument = spawnSync('npm', ['view', `${manifest.name}@${manifest.version}`, 'version', '--registry', registry.url], { encoding: 'utf8', env: cleanEnv() });
      expect(packument.stdout.trim(), `${manifest.name} was not published:\n${output}`).toBe(manifest.version);
    }
    // `workspace:*` became the real version in what was published.
    const core = JSON.parse(run('npm', ['view', '@gpt4all/core', '--json', '--registry', registry.url], { env: cleanEnv() })) as { optionalDependencies: Record<string, string>; version: string };
    expect(Object.values(core.optionalDependencies).every((range) => range === core.version)).toBe(true);
  });

  it('installs only this machine’s CPU packages, then loads a model and generates', async () => {
    const app = join(work, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    writeFileSync(join(app, '.npmrc'), `registry=${registry.url}\n`);
    const started = performance.now();
    run('npm', ['install', '@gpt4all/core', '--no-audit', '--no-fund', '--cache', join(work, 'npm-cache')], { cwd: app, env: cleanEnv() });
    const installSeconds = (performance.now() - started) / 1000;

    // What npm must pick: core's dependencies (the error base), and its optional dependencies
    // whose os and cpu fit this machine.
    const workspace = workspacePackages();
    const coreManifest = workspace.get('@gpt4all/core')!.manifest;
    const fits = (name: string) => {
      const { os, cpu } = workspace.get(name)!.manifest;
      return (!os || os.includes(process.platform)) && (!cpu || cpu.includes(process.arch));
    };
    const platformPackages = Object.keys(coreManifest.optionalDependencies ?? {}).filter(fits);
    const expected = ['@gpt4all/core', ...Object.keys(coreManifest.dependencies ?? {}), ...platformPackages].map((name) => name.replace('@gpt4all/', '')).sort();
    const installed = readdirSync(join(app, 'node_modules/@gpt4all')).sort();
    expect(installed).toEqual(expected);
    expect(installed).toContain('core-linux-x64-cpu-avx2');
    const gpuPackages = staged.filter(({ manifest }) => manifest.gpt4all?.gpu).map(({ manifest }) => manifest.name.replace('@gpt4all/', ''));
    expect(gpuPackages.length).toBeGreaterThan(0);
    expect(installed.filter((name) => gpuPackages.includes(name))).toEqual([]);

    const model = await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', seed: 1 });
    writeFileSync(
      join(app, 'generate.mjs'),
      `import { backendInfo, loadModel } from '@gpt4all/core';
const model = await loadModel(process.argv[2]);
const context = await model.createContext({ contextSize: 256 });
const promptAt = performance.now();
let firstTokenAt;
let text = '';
for await (const chunk of context.stream('The quick brown fox', { maxTokens: 16, temperature: 0 })) {
  firstTokenAt ??= performance.now();
  text += chunk.text;
}
console.log(JSON.stringify({ variant: backendInfo().variant, text, firstTokenSinceStartMs: firstTokenAt, firstTokenSincePromptMs: firstTokenAt - promptAt }));
await context.dispose();
await model.dispose();
`,
    );
    const output = run(process.execPath, ['generate.mjs', model], { cwd: app, env: cleanEnv() });
    const result = JSON.parse(output.trim().split('\n').find((line) => line.startsWith('{'))!) as { variant: string; text: string; firstTokenSinceStartMs: number; firstTokenSincePromptMs: number };
    expect(result.variant).toMatch(/^cpu-avx2?$/);
    expect(result.text.length).toBeGreaterThan(0);

    const sizes = installed.map((name) => `${name} ${mib(treeSize(join(app, 'node_modules/@gpt4all', name)))}`);
    const total = treeSize(join(app, 'node_modules'));
    // The default install's budget (the release builds every CPU level; here, those of this machine).
    expect(total).toBeLessThan(30e6);
    console.log(
      [
        `registry install: npm install @gpt4all/core took ${installSeconds.toFixed(1)} s; node_modules is ${mib(total)} (${sizes.join(', ')})`,
        `registry install: ${result.variant} chosen; first token ${result.firstTokenSinceStartMs.toFixed(0)} ms after process start, ${result.firstTokenSincePromptMs.toFixed(0)} ms after the prompt`,
      ].join('\n'),
    );
  });
});
