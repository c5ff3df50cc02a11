import { ggufMutations } from '@gpt4all/test-models';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testModelPath, vocabDir } from '../test/models.js';
import { Gpt4AllError, loadModel, ModelLoadError, readGgufHeader } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-bad-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(path: string): Promise<unknown> {
  try {
    const model = await loadModel(path);
    await model.dispose();
    return undefined;
  } catch (error) {
    return error;
  }
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('bad model files give typed errors', () => {
  it('a missing file', async () => {
    const error = await loadError(join(dir, 'missing.gguf'));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).code).toBe('ERR_MODEL_NOT_FOUND');
    expect((error as ModelLoadError).path).toBe(join(dir, 'missing.gguf'));
  });

  it('a directory', async () => {
    expect((await loadError(dir)) as Gpt4AllError).toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
  });

  it('an empty file', async () => {
    expect(await loadError(file('empty.gguf', ''))).toMatchObject({ code: 'ERR_NOT_GGUF' });
  });

  it('a file that is not GGUF', async () => {
    expect(await loadError(file('text.gguf', 'this is not a model at all, just some text'))).toMatchObject({ code: 'ERR_NOT_GGUF' });
  });

  it('files in each GGML format before GGUF: ERR_LEGACY_GGML naming the format, its version and the command that converts it', async () => {
    const formats = [
      { magic: 0x67676d6c, format: 'ggml', version: undefined },
      { magic: 0x67676d66, format: 'ggmf', version: 1 },
      { magic: 0x67676a74, format: 'ggjt', version: 1 },
      { magic: 0x67676a74, format: 'ggjt', version: 2 },
      { magic: 0x67676a74, format: 'ggjt', version: 3 },
    ];
    for (const { magic, format, version } of formats) {
      // The magic as the old writers wrote it (a little-endian u32), a version, then hyperparameters.
      const bytes = Buffer.alloc(64, 7);
      bytes.writeUInt32LE(magic, 0);
      if (version !== undefined) bytes.writeUInt32LE(version, 4);
      const path = file(`old-${format}-${version ?? 0}.bin`, bytes);
      const label = `'${format}'${version === undefined ? '' : ` v${version}`}`;
      for (const error of [await loadError(path), await Promise.resolve().then(() => readGgufHeader(path)).catch((e: unknown) => e)]) {
        expect(error).toBeInstanceOf(ModelLoadError);
        expect(error).toMatchObject({ code: 'ERR_LEGACY_GGML', path });
        expect((error as Error).message).toContain(label);
        expect((error as Error).message).toContain(`gpt4all convert "${path}" "${path.replace(/\.bin$/, '.gguf')}"`);
      }
    }
  });

  it('a legacy GGML file already named .gguf is told to convert to a name of its own', async () => {
    const bytes = Buffer.alloc(64, 7);
    bytes.writeUInt32LE(0x67676a74, 0);
    bytes.writeUInt32LE(3, 4);
    const path = file('misnamed.gguf', bytes);
    const error = await loadError(path);
    expect(error).toMatchObject({ code: 'ERR_LEGACY_GGML' });
    expect((error as Error).message).toContain(`gpt4all convert "${path}" "${path.replace(/\.gguf$/, '.converted.gguf')}"`);
  });

  it('a truncated model', async () => {
    const bytes = readFileSync(await testModelPath('llamaSpm'));
    for (const fraction of [0.001, 0.3, 0.999]) {
      const error = await loadError(file(`truncated-${fraction}.gguf`, bytes.subarray(0, Math.floor(bytes.length * fraction))));
      expect(error).toMatchObject({ code: 'ERR_INVALID_GGUF' });
    }
  });

  it('a vocabulary-only file', async () => {
    const error = await loadError(join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    expect(error).toMatchObject({ code: 'ERR_VOCAB_ONLY' });
  });

  it('an architecture llama.cpp does not know', async () => {
    const path = join(dir, 'unknown-arch.gguf');
    copyFileSync(await testModelPath('llamaSpm'), path);
    const bytes = readFileSync(path);
    // Rewrite the value of general.architecture ("llama") in place to an unknown name.
    const key = Buffer.from('general.architecture');
    const at = bytes.indexOf(key) + key.length + 4 + 8;
    expect(bytes.subarray(at, at + 5).toString()).toBe('llama');
    bytes.write('gptjx', at);
    writeFileSync(path, bytes);
    const error = await loadError(path);
    expect(error).toMatchObject({ code: 'ERR_UNSUPPORTED_ARCH' });
    expect((error as Error).message).toContain('gptjx');
  });

  it('hundreds of structurally mutated files, without crashing the process', async () => {
    const valid = await testModelPath('llamaSpm');
    const mutations = ggufMutations(valid, 240, 20261122);
    const outcomes = { rejected: 0, loaded: 0 };
    const codes = new Set<string>();
    for (const [i, mutation] of mutations.entries()) {
      const path = join(dir, `mutation-${i}.gguf`);
      mutation.writeTo(path);
      const error = await loadError(path);
      rmSync(path);
      if (error === undefined) {
        // Only random bit flips in values may leave a loadable model.
        expect(mutation.mustReject, `${mutation.label} loaded`).toBe(false);
        outcomes.loaded++;
      } else {
        expect(Gpt4AllError.isInstance(error), `${mutation.label}: ${String(error)}`).toBe(true);
        codes.add((error as Gpt4AllError).code);
        outcomes.rejected++;
      }
    }
    console.log(`mutated GGUF files: ${mutations.length} tried, ${outcomes.rejected} rejected with typed errors, ${outcomes.loaded} still loadable; codes: ${[...codes].join(', ')}`);
    expect(mutations.length).toBeGreaterThanOrEqual(200);
    expect(outcomes.rejected).toBeGreaterThanOrEqual(200);
  });
});
