import { Gpt4AllError } from '@gpt4all/errors';
import { describe, expect, it } from 'vitest';
import { BackendError } from './backend-error.js';
import { ContextOverflowError } from './context-overflow-error.js';
import { ModelLoadError } from './model-load-error.js';
import { toError } from './to-error.js';

describe('core errors', () => {
  const overflow = new ContextOverflowError('too long', 10, 5);
  const load = new ModelLoadError('ERR_NOT_GGUF', 'not gguf', '/m.gguf');
  const backend = new BackendError('ERR_NO_BACKEND', 'none');

  it('are Gpt4AllErrors, and each class recognises exactly its own', () => {
    for (const error of [overflow, load, backend]) expect(Gpt4AllError.isInstance(error)).toBe(true);
    expect([ContextOverflowError.isInstance(overflow), ContextOverflowError.isInstance(load), ContextOverflowError.isInstance(backend)]).toEqual([true, false, false]);
    expect([ModelLoadError.isInstance(load), ModelLoadError.isInstance(overflow)]).toEqual([true, false]);
    expect([BackendError.isInstance(backend), BackendError.isInstance(load)]).toEqual([true, false]);
  });

  it('are recognised when thrown by another copy of the package (same brands, other classes)', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'ERR_CONTEXT_OVERFLOW', tokens: 9, contextSize: 4 });
    for (const id of ['gpt4all.error', '@gpt4all/core:ContextOverflowError']) Object.defineProperty(foreign, Symbol.for(id), { value: true });
    expect(foreign instanceof ContextOverflowError).toBe(false);
    expect(ContextOverflowError.isInstance(foreign)).toBe(true);
    expect(ModelLoadError.isInstance(foreign)).toBe(false);
    expect(Gpt4AllError.isInstance(Object.assign(new Error('plain'), { code: 'ERR_DISPOSED' }))).toBe(false);
  });

  it('toError maps the engine’s codes to their classes, with the typed details', () => {
    const mapped = toError({ code: 'ERR_CONTEXT_OVERFLOW', message: 'm', tokens: 7, contextSize: 3 });
    expect(ContextOverflowError.isInstance(mapped) && [mapped.tokens, mapped.contextSize]).toEqual([7, 3]);
    expect(toError({ code: 'ERR_INVALID_GGUF', message: 'm' }, { path: '/x.gguf' })).toMatchObject({ name: 'ModelLoadError', path: '/x.gguf' });
    expect(toError({ code: 'ERR_NO_BACKEND', message: 'm' })).toBeInstanceOf(BackendError);
    expect(toError({ code: 'ERR_DECODE', message: 'm' })).toMatchObject({ name: 'Gpt4AllError', code: 'ERR_DECODE' });
    // A value napi could not convert is the caller's mistake; anything else passes through unchanged.
    const napiError = Object.assign(new Error('Failed to convert napi value String into rust type `f64`'), { code: 'NumberExpected' });
    expect(toError(napiError)).toMatchObject({ name: 'Gpt4AllError', code: 'ERR_INVALID_ARGUMENT', cause: napiError });
    const other = Object.assign(new Error('a bug'), { code: 'GenericFailure' });
    expect(toError(other)).toBe(other);
    expect(toError({ code: 'ERR_MADE_UP', message: 'm' })).toEqual({ code: 'ERR_MADE_UP', message: 'm' });
  });
});
