import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadModel, quantize } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-quantize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantize', () => {
  it.each(['Q8_0', 'Q4_0'] as const)('writes a %s model that loads and generates', async (type) => {
    const out = join(dir, `model-${type}.gguf`);
    await quantize(await testModelPath('llamaSpm'), out, type, { threads: 2 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    const model = await loadModel(out);
    expect(model.info.quantization).toBe(type);
    const context = await model.createContext({ contextSize: 256 });
    const result = await context.generate('Hello', { maxTokens: 8, temperature: 0 });
    expect(result.completionTokens).toBe(8);
    await model.dispose();
  });

  it('rejects an unknown type and a missing input, writing nothing', async () => {
    const out = join(dir, 'never.gguf');
    await expect(quantize(await testModelPath('llamaSpm'), out, 'Q9_9' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(quantize(join(dir, 'missing.gguf'), out, 'Q8_0')).rejects.toMatchObject({ code: 'ERR_MODEL_NOT_FOUND' });
    expect(existsSync(out)).toBe(false);
  });
});
