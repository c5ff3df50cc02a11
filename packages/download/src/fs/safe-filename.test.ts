import { describe, expect, it } from 'vitest';
import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';
import { assertSafeFilename, unsafeFilenameReason } from './safe-filename.js';

describe('safe filenames', () => {
  it('accepts real catalog filenames', () => {
    for (const name of ['Meta-Llama-3-8B-Instruct.Q4_0.gguf', 'qwen2.5-coder-7b-instruct-q4_0.gguf', 'all-MiniLM-L6-v2.gguf2.f16.gguf']) {
      expect(unsafeFilenameReason(name)).toBeUndefined();
      expect(assertSafeFilename(name)).toBe(name);
    }
  });

  it.each([
    ['../../x', 'contains a path separator'],
    ['..', 'refers to a directory'],
    ['/etc/passwd', 'contains a path separator'],
    ['a\\b.gguf', 'contains a path separator'],
    ['C:x.gguf', 'starts with a drive letter'],
    ['x\u0000.gguf', 'contains a forbidden character'],
    ['model?.gguf', 'contains a forbidden character'],
    ['.hidden', 'is a hidden file name'],
    ['model.', 'ends with a dot or a space'],
    ['NUL.gguf', 'is a reserved device name'],
    ['', 'empty'],
    ['a'.repeat(256), 'longer than 255 characters'],
  ])('rejects %j (%s)', (name, reason) => {
    expect(unsafeFilenameReason(name)).toBe(reason);
    expect(() => assertSafeFilename(name)).toThrow(UnsafeFilenameError);
  });

  it('rejects values that are not strings', () => {
    expect(unsafeFilenameReason(42)).toBe('not a string');
    expect(unsafeFilenameReason(undefined)).toBe('not a string');
  });
});
