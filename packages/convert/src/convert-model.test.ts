import { ensureTestModel } from '@gpt4all/test-models';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertModel, ConvertError } from './index.js';
import { writeLegacyGgml } from './testing/legacy-ggml-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function convertError(input: string, output = join(dir, 'out.gguf'), options = {}): Promise<ConvertError> {
  const error = await convertModel(input, output, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ConvertError.isInstance(error), String(error)).toBe(true);
  return error as ConvertError;
}

function checkpoint(name: string, config: unknown): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

describe('inputs that cannot be converted are refused before any Python runs', () => {
  it('a missing input', async () => {
    expect(await convertError(join(dir, 'missing'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('does not exist') });
  });

  it('a folder without config.json, a config.json that is not JSON or names no architecture', async () => {
    mkdirSync(join(dir, 'empty'));
    expect(await convertError(join(dir, 'empty'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('config.json') });
    expect(await convertError(checkpoint('broken', '{"architectures": ['))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('not valid JSON') });
    expect(await convertError(checkpoint('nameless', { model_type: 'llama' }))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('architectures') });
  });

  it('a GGUF file, and a file of another kind', async () => {
    const gguf = await ensureTestModel({ architecture: 'llama', size: 'tiny', seed: 1 });
    expect(await convertError(gguf)).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('GGUF file already') });
    writeFileSync(join(dir, 'notes.txt'), 'not a model');
    expect(await convertError(join(dir, 'notes.txt'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('neither') });
  });

  it('an output in a folder that does not exist, and a quantization type llama.cpp does not have', async () => {
    const input = checkpoint('any-2', { architectures: ['LlamaForCausalLM'] });
    expect(await convertError(input, join(dir, 'no', 'such', 'out.gguf'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('does not exist') });
    expect(await convertError(input, join(dir, 'q.gguf'), { quantize: 'Q9_X' })).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('Q4_K_M') });
  });

  it('an output that exists already (it is not replaced)', async () => {
    writeFileSync(join(dir, 'exists.gguf'), 'keep me');
    const error = await convertError(checkpoint('any', { architectures: ['LlamaForCausalLM'] }), join(dir, 'exists.gguf'));
    expect(error).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('exists already') });
  });

  it('a GPT4All-J era GGML file (GPT-J): ERR_CONVERT_UNSUPPORTED saying why and what to convert instead', async () => {
    const path = join(dir, 'ggml-gpt4all-j.bin');
    const vocab = ['a', 'b', 'Ġthe'].map((t) => ({ bytes: Buffer.from(t), score: 0 }));
    writeLegacyGgml(path, {
      format: 'ggml',
      hparams: [3, 2048, 4, 1, 1, 4, 0],
      vocab,
      tensors: [{ name: 'transformer.wte.weight', dims: [4, 3], data: new Float32Array(12) }],
    });
    const error = await convertError(path);
    expect(error.code).toBe('ERR_CONVERT_UNSUPPORTED');
    expect(error.message).toContain("'transformer.wte.weight'");
    expect(error.message).toContain('merge rules');
    expect(error.message).toContain('gpt4all convert <model folder>');
  });

  it('--outtype with a GGML file', async () => {
    const path = join(dir, 'llama-ggjt.bin');
    writeLegacyGgml(path, {
      format: 'ggjt',
      version: 3,
      hparams: [3, 4, 256, 1, 1, 4, 0],
      vocab: ['a', 'b', 'c'].map((t) => ({ bytes: Buffer.from(t), score: 0 })),
      tensors: [{ name: 'tok_embeddings.weight', dims: [4, 3], data: new Float32Array(12) }],
    });
    expect(await convertError(path, join(dir, 'x.gguf'), { outType: 'f32' })).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('--outtype') });
  });
});

describe('the Python the converter runs in', () => {
  it('a Python that does not exist: ERR_PYTHON_UNAVAILABLE naming it, and nothing written', async () => {
    const input = checkpoint('llama-config', { architectures: ['LlamaForCausalLM'] });
    const error = await convertError(input, join(dir, 'never.gguf'), { python: join(dir, 'no-such-python') });
    expect(error.code).toBe('ERR_PYTHON_UNAVAILABLE');
    expect(error.message).toContain('no-such-python');
    expect(readdirSync(dir).filter((name) => name.includes('never'))).toEqual([]);
  });

  it('an aborted signal: ERR_ABORTED', async () => {
    const input = checkpoint('llama-config-2', { architectures: ['LlamaForCausalLM'] });
    const error = await convertError(input, join(dir, 'aborted.gguf'), { signal: AbortSignal.abort() });
    expect(error.code).toBe('ERR_ABORTED');
  });
});
