#!/usr/bin/env node
// Copies the pinned llama.cpp's converter into this package (llama.cpp/, published with it):
// convert_hf_to_gguf.py and its conversion/ package, convert_llama_ggml_to_gguf.py, and gguf-py's
// gguf package, from vendor/llama.cpp's committed tree (`pnpm vendor`). Its own Python code
// (python/) registers GPT-J and fixes on top of it; the converter itself is not changed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(here, '../../vendor/llama.cpp');
const target = join(here, 'llama.cpp');
const paths = ['convert_hf_to_gguf.py', 'convert_llama_ggml_to_gguf.py', 'conversion', 'gguf-py/gguf', 'LICENSE'];

if (!existsSync(join(source, '.git'))) {
  if (existsSync(join(target, 'convert_hf_to_gguf.py'))) process.exit(0); // a published copy
  throw new Error(`bundle-converter: ${source} is missing; run \`pnpm vendor\` at the repository root`);
}
const commit = execFileSync('git', ['-C', source, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const stamp = join(target, 'COMMIT');
if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === commit) process.exit(0);

const staging = `${target}.staging-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const archive = execFileSync('git', ['-C', source, 'archive', '--format=tar', commit, ...paths], { maxBuffer: 64 << 20 });
execFileSync('tar', ['-x', '-C', staging], { input: archive });
writeFileSync(join(staging, 'COMMIT'), `${commit}\n`);
rmSync(target, { recursive: true, force: true });
renameSync(staging, target);
console.log(`bundle-converter: llama.cpp ${commit.slice(0, 12)} converter copied to llama.cpp/`);
