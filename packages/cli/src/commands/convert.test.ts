import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

// A successful conversion runs in tests/hf-parity.test.ts (every Hugging Face architecture) and
// packages/convert (an old GGML file): both need the converter's Python environment.
describe('gpt4all convert', () => {
  it('a --quantize that is no llama.cpp file type is a usage error (exit 2) listing the types', async () => {
    const result = await runCli(['convert', dir.path, join(dir.path, 'out.gguf'), '--quantize', 'Q9_X']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Q9_X');
    expect(result.stderr).toContain('Q4_K_M');
  });

  it('an --outtype the converter does not have is a usage error', async () => {
    const result = await runCli(['convert', dir.path, join(dir.path, 'out.gguf'), '--outtype', 'f8']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('f8');
  });

  it('an input that is not a checkpoint fails with its code (exit 1) and writes nothing', async () => {
    await mkdir(join(dir.path, 'folder'));
    const folder = await runCli(['convert', join(dir.path, 'folder'), join(dir.path, 'out.gguf')]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/error: .*folder without config\.json.* \(ERR_CONVERT_INPUT\)\n$/);
    await writeFile(join(dir.path, 'old.bin'), Buffer.concat([Buffer.from('lmgg'), Buffer.alloc(64)]));
    const ggml = await runCli(['convert', join(dir.path, 'old.bin'), join(dir.path, 'out.gguf')]);
    expect(ggml.code).toBe(1);
    expect(ggml.stderr).toMatch(/truncated or damaged.*\(ERR_CONVERT_INPUT\)/);
    const missing = await runCli(['convert', join(dir.path, 'nothing'), join(dir.path, 'out.gguf')]);
    expect(missing.stderr).toContain('does not exist');
  });

  it('a Python that cannot run is ERR_PYTHON_UNAVAILABLE with what to do', async () => {
    await mkdir(join(dir.path, 'model'));
    await writeFile(join(dir.path, 'model', 'config.json'), JSON.stringify({ architectures: ['GPTJForCausalLM'] }));
    await writeFile(join(dir.path, 'model', 'model.safetensors'), '');
    await writeFile(join(dir.path, 'model', 'tokenizer.json'), '');
    const result = await runCli(['convert', join(dir.path, 'model'), join(dir.path, 'out.gguf'), '--python', join(dir.path, 'python9')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_PYTHON_UNAVAILABLE');
    expect(result.stderr).toContain('--python or GPT4ALL_PYTHON');
  });
});
