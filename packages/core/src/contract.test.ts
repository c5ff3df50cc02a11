// The TypeScript contract (src/native/contract.ts) is generated from the Rust core at build time.
// These tests check it against the addon that is loaded, and that the engine applies it.
import { ensureTestModel } from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DEVICE_KINDS, ENGINE_ERROR_CODES, FILE_TYPES, FINISH_REASONS, LOG_LEVELS, MODEL_LOAD_ERROR_CODES, STATUS_NUMBERS, listDevices, loadModel } from './index.js';
import { loadBinding } from './native/load-binding.js';

describe('the generated contract', () => {
  it('equals what the loaded addon reports from crates/core', () => {
    const native = loadBinding().binding.contract();
    const errors = native.statuses.filter((status) => status.code !== 'OK');
    expect(ENGINE_ERROR_CODES).toEqual(errors.map((status) => status.code));
    expect(MODEL_LOAD_ERROR_CODES).toEqual(errors.filter((status) => status.modelLoad).map((status) => status.code));
    expect(STATUS_NUMBERS).toEqual(Object.fromEntries(errors.map((status) => [status.code, status.number])));
    expect([FINISH_REASONS, FILE_TYPES, DEVICE_KINDS, LOG_LEVELS]).toEqual([native.finishReasons, native.fileTypes, native.deviceKinds, native.logLevels]);
    expect(DEFAULTS).toEqual(native.defaults);
    // Every llama.cpp file type the core names can be a quantization target (22, not a hand-picked 17).
    expect(FILE_TYPES).toEqual(expect.arrayContaining(['Q4_0', 'Q4_K_M', 'IQ4_NL', 'TQ2_0', 'BF16']));
    expect(listDevices().every((device) => DEVICE_KINDS.includes(device.kind))).toBe(true);
  });

  it('is what the engine applies when options are left out', async () => {
    // A model that never ends on its own: generation stops only at the default token limit.
    const path = await ensureTestModel({ architecture: 'llama', vocab: 'llama-bpe', size: 'tiny', script: { emit: [' a'], then: ' a' } });
    await using model = await loadModel(path);
    await using context = await model.createContext({ threads: 1 });
    expect(context.contextSize).toBe(Math.min(DEFAULTS.contextSize, model.info.contextLength));
    const result = await context.generate('Say a');
    expect([result.completionTokens, result.finishReason]).toEqual([DEFAULTS.maxTokens, 'length']);
    // -1 lifts the limit: the same model fills the context.
    await using small = await model.createContext({ contextSize: 256, threads: 1 });
    const unlimited = await small.generate('Say a', { maxTokens: -1 });
    expect(unlimited.finishReason).toBe('length');
    expect(unlimited.promptTokens + unlimited.completionTokens).toBeGreaterThan(DEFAULTS.maxTokens);
    await expect(small.generate('Say a', { maxTokens: -2 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
