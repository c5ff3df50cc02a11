import { parseCatalogEntry, type CatalogEntry } from '@gpt4all/download';
import { describe, expect, it } from 'vitest';
import { catalogSampling, GPT4ALL_DEFAULTS, resolveSampling, stopStrings } from './sampling-defaults.js';

const entry = (raw: Record<string, unknown>): CatalogEntry => {
  const parsed = parseCatalogEntry({ name: 'M', filename: 'm.gguf', ...raw });
  if (!('entry' in parsed)) throw new Error(parsed.issues.join('; '));
  return parsed.entry;
};

describe('sampling defaults', () => {
  it("are GPT4All's when nothing overrides them", () => {
    expect(resolveSampling()).toEqual({ temperature: 0.7, topK: 40, topP: 0.4, minP: 0, repeatPenalty: 1.18, repeatLastN: 64, frequencyPenalty: 0, presencePenalty: 0, maxTokens: 200 });
    expect(resolveSampling()).toEqual(GPT4ALL_DEFAULTS);
  });

  it('map the catalog names and layer catalog < session < call', () => {
    const overrides = catalogSampling(entry({ temperature: '0.3', topK: 10, maxLength: 1024, repeatPenaltyTokens: 32, contextLength: 4096 }));
    expect(overrides).toEqual({ temperature: 0.3, topK: 10, maxTokens: 1024, repeatLastN: 32 });
    const resolved = resolveSampling(overrides, { topK: 5, seed: 9 }, { temperature: 0, seed: undefined });
    expect(resolved).toEqual({ ...GPT4ALL_DEFAULTS, temperature: 0, topK: 5, maxTokens: 1024, repeatLastN: 32, seed: 9 });
  });

  it('reject values the engine cannot use', () => {
    expect(() => resolveSampling({ topP: 2 })).toThrow(/topP/);
    expect(() => resolveSampling({ maxTokens: 0 })).toThrow(/maxTokens/);
    expect(() => resolveSampling({ topK: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('take maxTokens -1 as "no limit", as the engine does, and refuse 0', () => {
    expect(resolveSampling({ maxTokens: -1 }).maxTokens).toBe(-1);
    for (const maxTokens of [0, -2, 1.5]) expect(() => resolveSampling({ maxTokens })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('stop strings must be an array of strings; empty ones are dropped', () => {
    expect(stopStrings(['a', '', 'b'])).toEqual(['a', 'b']);
    expect(stopStrings(undefined)).toEqual([]);
    for (const stop of ['x', [1], null]) expect(() => stopStrings(stop)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
