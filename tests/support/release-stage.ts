// A copy of the workspace reduced to what a release publishes: the root files changesets reads
// and the packages of the `@gpt4all/core` fixed group with the public packages they depend on (plus the manifests of the private
// workspace packages they name, so `workspace:*` ranges resolve). `changeset publish` then runs
// there exactly as the release workflow runs it at the repository root, without creating git
// tags in the real checkout and without publishing packages other engineers are changing.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  /** Whether its `files` were all there (a platform package of another OS has no binary here). */
  complete: boolean;
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

  const staged: StagedPackage[] = [];
  for (const { dir, manifest } of [...published, ...helpers]) {
    const target = join(stage, 'packages', dir.split(/[\\/]/).pop()!);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(withoutRegistryDevDependencies(manifest), null, 2)}\n`);
    if (manifest.private) continue;
    let complete = true;
    for (const file of ['README.md', ...publishedFiles(dir, manifest)]) {
      if (existsSync(join(dir, file))) cpSync(join(dir, file), join(target, file), { recursive: true });
      else complete = false;
    }
    staged.push({ dir: target, manifest, complete });
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

/**
 * What `npm publish` takes from the package: its `files`, with a platform package's globs
 * (`*.so.*`) standing for the libraries and modules its native.json lists.
 */
function publishedFiles(dir: string, manifest: Manifest): string[] {
  if (!manifest.gpt4all) return manifest.files ?? [];
  const contentsPath = join(dir, 'native.json');
  if (!existsSync(contentsPath)) return [manifest.main!, 'native.json'];
  const contents = JSON.parse(readFileSync(contentsPath, 'utf8')) as { sharedLibraries: string[]; cpuLevels: { file: string }[]; backendModules: string[] };
  return [manifest.main!, 'native.json', ...contents.sharedLibraries, ...contents.cpuLevels.map((l) => l.file), ...contents.backendModules];
}
