import { describe, expect, it } from 'vitest';
import { BackendError } from './backend-error.js';
import { ContextOverflowError } from './context-overflow-error.js';
import { Gpt4AllError } from './gpt4all-error.js';

describe('Gpt4AllError', () => {
  it('is recognised by its brand, also when thrown by another copy of the package', () => {
    expect(Gpt4AllError.isInstance(new ContextOverflowError('too long', 10, 5))).toBe(true);
    expect(Gpt4AllError.isInstance(new BackendError('ERR_NO_BACKEND', 'none'))).toBe(true);
    // Another copy has another class, with the same global brand.
    const foreign = Object.assign(new Error('from another copy'), { code: 'ERR_DISPOSED' });
    Object.defineProperty(foreign, Symbol.for('gpt4all.error'), { value: true });
    expect(foreign instanceof Gpt4AllError).toBe(false);
    expect(Gpt4AllError.isInstance(foreign)).toBe(true);
    expect(Gpt4AllError.isInstance(Object.assign(new Error('plain'), { code: 'ERR_DISPOSED' }))).toBe(false);
    expect(Gpt4AllError.isInstance(null)).toBe(false);
  });
});
