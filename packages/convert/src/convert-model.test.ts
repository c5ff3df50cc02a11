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

/** A checkpoint folder with `config.json` and, unless told otherwise, placeholder weight and tokenizer files. */
function checkpoint(name: string, config: unknown, files = ['model.safetensors', 'tokenizer.json']): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  for (const file of files) writeFileSync(join(path, file), '');
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
    expect(await convertError(checkpoint('null', 'null'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('architectures') });
    expect(await convertError(checkpoint('empty-list', { architectures: [] }))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('architectures') });
  });

  it('a checkpoint without weights or without a tokenizer', async () => {
    const config = { architectures: ['LlamaForCausalLM'] };
    expect(await convertError(checkpoint('no-weights', config, ['tokenizer.json']))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('no weights') });
    expect(await convertError(checkpoint('no-tokenizer', config, ['model.safetensors']))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('no tokenizer') });
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

  it('damaged GGML files: an unknown version, a header cut short', async () => {
    writeFileSync(join(dir, 'v99.bin'), Buffer.concat([Buffer.from('tjgg'), Buffer.from([99, 0, 0, 0]), Buffer.alloc(64)]));
    expect(await convertError(join(dir, 'v99.bin'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining("'ggjt' v99") });
    writeFileSync(join(dir, 'short.bin'), Buffer.concat([Buffer.from('tjgg'), Buffer.from([3, 0, 0, 0])]));
    expect(await convertError(join(dir, 'short.bin'))).toMatchObject({ code: 'ERR_CONVERT_INPUT', message: expect.stringContaining('truncated or damaged') });
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

describe('temporary files', () => {
  it("an abandoned conversion's files are removed by the next one in the folder; a running one's stay", async () => {
    const folder = join(dir, 'abandoned');
    mkdirSync(folder);
    // pid 2**22 + 1 is above Linux's pid_max: no such process.
    const gone = join(folder, `.gpt4all-converting-${2 ** 22 + 1}-0a1b2c3d.gguf`);
    const running = join(folder, `.gpt4all-quantizing-${process.pid}-0a1b2c3d.gguf`);
    writeFileSync(gone, 'partial');
    writeFileSync(running, 'partial');
    const input = checkpoint('any-3', { architectures: ['LlamaForCausalLM'] });
    await convertError(input, join(folder, 'out.gguf'), { python: join(dir, 'no-such-python') });
    expect(readdirSync(folder).sort()).toEqual([`.gpt4all-quantizing-${process.pid}-0a1b2c3d.gguf`]);
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
