import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTestModel, testModelCacheName } from './model-cache.js';
import { llamaCppDir } from './vendor-paths.js';

const vendored = existsSync(llamaCppDir());
const dir = mkdtempSync(join(tmpdir(), 'gpt4all-test-model-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!vendored)('ensureTestModel', () => {
  it('names models by what determines their bytes', () => {
    const base = testModelCacheName({ architecture: 'llama' });
    expect(base).toMatch(/^llama-llama-spm-tiny-f32-s0-[0-9a-f]{16}\.gguf$/);
    expect(testModelCacheName({ architecture: 'llama', seed: 0, size: 'tiny', vocab: 'llama-spm' })).toBe(base);
    expect(testModelCacheName({ architecture: 'llama', seed: 1 })).not.toBe(base);
    expect(testModelCacheName({ architecture: 'llama', fileType: 'F16' })).not.toBe(base);
    expect(testModelCacheName({ architecture: 'llama', chatTemplate: '{{ x }}' })).not.toBe(base);
    const scripted = testModelCacheName({ architecture: 'llama', script: { emit: ['Hi'] } });
    expect(scripted).toMatch(/^llama-llama-spm-tiny-f32-s0-scripted-[0-9a-f]{16}\.gguf$/);
    expect(testModelCacheName({ architecture: 'llama', script: { emit: ['Hi'], then: 5 } })).not.toBe(scripted);
  });

  it('writes once and serves concurrent callers the same complete file', async () => {
    const options = { architecture: 'gpt2', seed: 5, fileType: 'F16' } as const;
    const paths = await Promise.all([1, 2, 3, 4].map(() => ensureTestModel(options, dir)));
    expect(new Set(paths).size).toBe(1);
    expect(existsSync(paths[0]!)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part') || f.endsWith('.lock'))).toEqual([]);
    expect(await ensureTestModel(options, dir)).toBe(paths[0]);
  });

  it('takes over the lock of a writer that died', async () => {
    const options = { architecture: 'mpt', seed: 6, fileType: 'F16' } as const;
    const lock = join(dir, `${testModelCacheName(options)}.lock`);
    writeFileSync(lock, `${hostname()} 2147483646`); // no such process
    const path = await ensureTestModel(options, dir);
    expect(existsSync(path)).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });
});
