// A copy of the workspace reduced to what a release publishes: the root files changesets reads
// and the packages of the `@gpt4all/core` fixed group with the public packages they depend on (plus the manifests of the private
// workspace packages they name, so `workspace:*` ranges resolve). `changeset publish` then runs
// there exactly as the release workflow runs it at the repository root, without creating git
// tags in the real checkout and without publishing packages other engineers are changing.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './llama-tools.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  main?: string;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  gpt4all?: { variant: string; platform: string; gpu?: string };
}

export interface StagedPackage {
  dir: string;
  manifest: Manifest;
}

/** The workspace's packages, by name. */
export function workspacePackages(): Map<string, { dir: string; manifest: Manifest }> {
  const packages = new Map<string, { dir: string; manifest: Manifest }>();
  for (const entry of readdirSync(join(repoRoot, 'packages'))) {
    const manifestPath = join(repoRoot, 'packages', entry, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    packages.set(manifest.name, { dir: join(repoRoot, 'packages', entry), manifest });
  }
  return packages;
}

/** Writes the release stage into `stage` and returns the packages it will publish. */
export function stageRelease(stage: string): StagedPackage[] {
  const all = workspacePackages();
  const group = [...all.values()].filter(({ manifest }) => manifest.name === '@gpt4all/core' || manifest.name.startsWith('@gpt4all/core-'));
  // The public packages the group depends on (the error base) are released with it.
  const needed = new Set(group.flatMap(({ manifest }) => Object.keys(manifest.dependencies ?? {})));
  const published = [...group, ...[...all.values()].filter(({ manifest }) => !manifest.private && needed.has(manifest.name) && !group.some((p) => p.manifest.name === manifest.name))];
  const referenced = new Set(published.flatMap(({ manifest }) => Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies })));
  const helpers = [...all.values()].filter(({ manifest }) => manifest.private && referenced.has(manifest.name));

  mkdirSync(join(stage, '.changeset'), { recursive: true });
  cpSync(join(repoRoot, '.changeset/config.json'), join(stage, '.changeset/config.json'));
  const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string };
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'gpt4all-release-stage', private: true, packageManager: rootManifest.packageManager }));
  writeFileSync(join(stage, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');

  const files = packedFiles(published.map(({ dir }) => dir));
  const staged: StagedPackage[] = [];
  for (const { dir, manifest } of [...published, ...helpers]) {
    const target = join(stage, 'packages', dir.split(/[\\/]/).pop()!);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(withoutRegistryDevDependencies(manifest), null, 2)}\n`);
    if (manifest.private) continue;
    for (const file of files.get(manifest.name) ?? []) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      cpSync(join(dir, file), join(target, file));
    }
    staged.push({ dir: target, manifest });
  }
  return staged;
}

/**
 * The manifest without devDependencies from the registry (ajv for a test, say): the offline
 * install in the stage cannot fetch them, and users never install a package's devDependencies.
 */
function withoutRegistryDevDependencies(manifest: Manifest): Manifest {
  if (!manifest.devDependencies) return manifest;
  const devDependencies = Object.fromEntries(Object.entries(manifest.devDependencies).filter(([, range]) => range.startsWith('workspace:')));
  return { ...manifest, devDependencies };
}

/** What `npm publish` takes from each package folder (its `files`, README, ...), as npm itself lists it, by package name. */
function packedFiles(dirs: string[]): Map<string, string[]> {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...dirs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const packs = JSON.parse(output) as { name: string; files: { path: string }[] }[];
  // package.json is written above, with the stage's changes.
  return new Map(packs.map(({ name, files }) => [name, files.map((f) => f.path).filter((path) => path !== 'package.json')]));
}
