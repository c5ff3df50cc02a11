#!/usr/bin/env node
// Materialises vendor/llama.cpp at the commit named in vendor/llama.cpp.pin.json.
//
// The pinned source travels as a git bundle inside an npm tarball (see the pin file), so the
// ordinary npm client fetches it and checks its integrity. The steps are idempotent: a checkout
// already at the pinned commit (a clone, or a submodule) is accepted as it is, and once the
// tarball is cached under vendor/cache the script needs no network.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pin = JSON.parse(readFileSync(join(root, 'vendor/llama.cpp.pin.json'), 'utf8'));
const target = join(root, 'vendor/llama.cpp');
const cacheDir = join(root, 'vendor/cache');

function git(args, options = {}) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
}

function headOf(dir) {
  try {
    return git(['-C', dir, 'rev-parse', 'HEAD']);
  } catch {
    return undefined;
  }
}

async function sha512Base64(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

/** Returns a cached tarball whose integrity matches the pin, fetching it with npm when needed. */
async function tarball() {
  const [name, version] = pin.source.npmPackage.split(/@(?=[^@]+$)/);
  const file = join(cacheDir, `${name}-${version}.tgz`);
  if (existsSync(file) && (await sha512Base64(file)) === pin.source.integrity) return file;
  mkdirSync(cacheDir, { recursive: true });
  console.log(`vendor: fetching ${pin.source.npmPackage} with npm (integrity-checked)`);
  // npm verifies the download against the registry's integrity; we also check it against the pin,
  // so a registry that served different bytes for the same version is caught.
  execFileSync('npm', ['pack', pin.source.npmPackage, '--pack-destination', cacheDir, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const actual = await sha512Base64(file);
  if (actual !== pin.source.integrity) {
    rmSync(file, { force: true });
    throw new Error(`vendor: ${file} has integrity ${actual}, the pin expects ${pin.source.integrity}`);
  }
  return file;
}

async function main() {
  const head = headOf(target);
  if (head === pin.commit) {
    console.log(`vendor: vendor/llama.cpp is at ${pin.commit} (${pin.release})`);
    return;
  }
  if (existsSync(target)) {
    throw new Error(
      `vendor: vendor/llama.cpp exists but is at ${head ?? 'no git commit'}, not the pinned ${pin.commit}. ` +
        'Check out the pinned commit there, or remove the folder and run `pnpm vendor` again.',
    );
  }

  const tgz = await tarball();
  const work = join(cacheDir, 'extract');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', work, pin.source.bundlePath], { stdio: 'inherit' });
  const bundle = join(work, pin.source.bundlePath);

  const staging = `${target}.staging`;
  rmSync(staging, { recursive: true, force: true });
  git(['clone', '--quiet', '--no-checkout', bundle, staging]);
  git(['-C', staging, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', pin.commit]);
  const cloned = headOf(staging);
  if (cloned !== pin.commit) throw new Error(`vendor: the bundle gave ${cloned}, the pin expects ${pin.commit}`);
  // The bundle is not a remote anyone should fetch from again.
  git(['-C', staging, 'remote', 'remove', 'origin']);
  renameSync(staging, target);
  rmSync(work, { recursive: true, force: true });
  console.log(`vendor: vendor/llama.cpp checked out at ${pin.commit} (${pin.release})`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
