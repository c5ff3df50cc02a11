import { describe, expect, it } from 'vitest';
import { HubReferenceError } from '../errors/hub-reference-error.js';
import { isHubReference, parseHubReference } from './hub-reference.js';

describe('parseHubReference', () => {
  it('reads a file reference, keeping the path inside the repository', () => {
    expect(parseHubReference('hf:TheOrg/Some-Model.v2-GGUF/sub/dir/model-Q4_K_M.gguf')).toEqual({
      kind: 'file',
      owner: 'TheOrg',
      repo: 'Some-Model.v2-GGUF',
      path: 'sub/dir/model-Q4_K_M.gguf',
    });
  });

  it('reads a quantisation reference', () => {
    expect(parseHubReference('hf:owner/repo:Q4_K_M')).toEqual({ kind: 'quant', owner: 'owner', repo: 'repo', quant: 'Q4_K_M' });
    expect(parseHubReference('hf:owner/repo:UD-IQ2_XXS')).toMatchObject({ kind: 'quant', quant: 'UD-IQ2_XXS' });
  });

  it.each([
    ['hf:owner', 'names neither'],
    ['hf:owner/repo', 'names neither'],
    ['hf:/repo/x.gguf', 'owner'],
    ['hf:owner/repo:', 'quantisation'],
    ['hf:owner/repo/../../etc/x.gguf', '".."'],
    ['hf:owner/repo//x.gguf', 'empty'],
    ['hf:owner/repo/model.bin', '.gguf'],
    ['hf:owner/repo/a\\b.gguf', 'backslash'],
  ])('rejects %s with a typed error that says why', (reference, why) => {
    let error: unknown;
    try {
      parseHubReference(reference);
    } catch (e) {
      error = e;
    }
    expect(HubReferenceError.isInstance(error)).toBe(true);
    expect((error as HubReferenceError).reference).toBe(reference);
    expect((error as HubReferenceError).message).toContain(why);
  });

  it('recognises references by their prefix only', () => {
    expect(isHubReference('hf:a/b:Q8_0')).toBe(true);
    expect(isHubReference('Llama 3.2 1B Instruct')).toBe(false);
    expect(isHubReference('/models/hf:x.gguf')).toBe(false);
  });
});
