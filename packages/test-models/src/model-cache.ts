import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getArchitecture } from './architectures/registry.js';
import { resolveChatTemplate } from './chat-template.js';
import { resolveDims } from './model-size.js';
import { GENERATOR_VERSION, writeTestModel, type TestModelOptions } from './test-model.js';
import { findRepoRoot } from './vendor-paths.js';
import { vocabularyPath } from './vocabulary.js';

/** A lock untouched for this long belongs to a writer that died without cleaning up. */
const STALE_LOCK_MS = 30 * 60 * 1000;
const POLL_MS = 100;

/**
 * The default cache directory: `GPT4ALL_TEST_MODELS_CACHE` when set, otherwise
 * `<repo>/.cache/test-models` (git-ignored).
 */
export function defaultTestModelCacheDir(): string {
  return process.env['GPT4ALL_TEST_MODELS_CACHE'] ?? join(findRepoRoot(), '.cache', 'test-models');
}

/**
 * The file name a model gets in the cache: readable parts plus a hash of
 * everything that determines its bytes (options and script, generator version, and the
 * contents of the vocabulary and template files, so re-vendoring invalidates).
 */
export function testModelCacheName(options: TestModelOptions): string {
  const spec = getArchitecture(options.architecture);
  const vocabPath = vocabularyPath(options.vocab ?? spec.defaultVocab);
  const size = options.size ?? 'tiny';
  const fileType = options.fileType ?? (size === 'bench' ? 'F16' : 'F32');
  const seed = options.seed ?? 0;
  const key = JSON.stringify({
    generator: GENERATOR_VERSION,
    architecture: spec.name,
    vocab: createHash('sha256').update(readFileSync(vocabPath)).digest('hex'),
    vocabName: basename(vocabPath),
    chatTemplate: options.chatTemplate === undefined ? null : resolveChatTemplate(options.chatTemplate),
    dims: resolveDims(size),
    sizeLabel: typeof size === 'string' ? size : 'custom',
    seed,
    fileType,
    // Only scripted models carry the key, so every other model keeps its name.
    ...(options.script && { script: { emit: options.script.emit, then: options.script.then ?? null } }),
  });
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const vocab = basename(vocabPath, '.gguf').replace(/^ggml-vocab-/, '');
  const sizeName = typeof size === 'string' ? size : 'custom';
  const scripted = options.script ? '-scripted' : '';
  return `${spec.name}-${vocab}-${sizeName}-${fileType.toLowerCase()}-s${seed}${scripted}-${hash}.gguf`;
}

function lockIsStale(lockPath: string): boolean {
  try {
    const { mtimeMs } = statSync(lockPath);
    if (Date.now() - mtimeMs > STALE_LOCK_MS) return true;
    const [host, pid] = readFileSync(lockPath, 'utf8').split(' ');
    if (host !== hostname() || !pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // the lock vanished meanwhile: not stale, just gone
  }
}

/**
 * Returns the path of the test model for `options`, writing it into the cache
 * first if needed. Safe under concurrency (several vitest workers, several
 * processes): one caller writes while the others wait on a lock file, and the
 * model only ever appears complete (written aside, then renamed).
 */
export async function ensureTestModel(options: TestModelOptions, cacheDir?: string): Promise<string> {
  const dir = cacheDir ?? defaultTestModelCacheDir();
  const path = join(dir, testModelCacheName(options));
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const lockPath = `${path}.lock`;
  for (;;) {
    if (existsSync(path)) return path;
    let haveLock = false;
    try {
      writeFileSync(lockPath, `${hostname()} ${process.pid}`, { flag: 'wx' });
      haveLock = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (haveLock) {
      try {
        // Another writer may have finished between our check and taking the lock.
        if (!existsSync(path)) await writeTestModel({ ...options, outPath: path });
        return path;
      } finally {
        rmSync(lockPath, { force: true });
      }
    }
    if (lockIsStale(lockPath)) rmSync(lockPath, { force: true });
    else await sleep(POLL_MS);
  }
}
