import { describe, expect, it } from 'vitest';
import { Gpt4AllError, brandError } from './gpt4all-error.js';

class ParentError extends Gpt4AllError<'ERR_PARENT' | 'ERR_CHILD'> {}
brandError(ParentError, 'test:ParentError');
class ChildError extends ParentError {}
brandError(ChildError, 'test:ChildError');
class SiblingError extends Gpt4AllError<'ERR_SIBLING'> {}
brandError(SiblingError, 'test:SiblingError');

/** What a second copy of the same package (another install) declares: other classes, same brands. */
function secondCopy() {
  class CopyParent extends Gpt4AllError<'ERR_PARENT'> {}
  brandError(CopyParent, 'test:ParentError');
  return { CopyParent };
}

describe('Gpt4AllError', () => {
  it('keeps code, message and cause', () => {
    const cause = new Error('below');
    const error = new ParentError('ERR_PARENT', 'it failed', { cause });
    expect([error.code, error.message, error.cause]).toEqual(['ERR_PARENT', 'it failed', cause]);
    expect(error).toBeInstanceOf(Error);
  });

  it('isInstance is exact: a class matches itself and its subclasses, never siblings or parents', () => {
    const parent = new ParentError('ERR_PARENT', 'p');
    const child = new ChildError('ERR_CHILD', 'c');
    const sibling = new SiblingError('ERR_SIBLING', 's');
    expect([ParentError.isInstance(parent), ParentError.isInstance(child), ParentError.isInstance(sibling)]).toEqual([true, true, false]);
    expect([ChildError.isInstance(child), ChildError.isInstance(parent)]).toEqual([true, false]);
    expect([SiblingError.isInstance(sibling), SiblingError.isInstance(parent)]).toEqual([true, false]);
    expect([parent, child, sibling].every((e) => Gpt4AllError.isInstance(e))).toBe(true);
    for (const value of [new Error('plain'), { code: 'ERR_PARENT' }, null, undefined, 'ERR_PARENT']) {
      expect(Gpt4AllError.isInstance(value)).toBe(false);
      expect(ParentError.isInstance(value)).toBe(false);
    }
  });

  it('isInstance matches errors of another copy of the package by brand', () => {
    const { CopyParent } = secondCopy();
    const fromCopy = new CopyParent('ERR_PARENT', 'from another install');
    expect(fromCopy).not.toBeInstanceOf(ParentError);
    expect(ParentError.isInstance(fromCopy)).toBe(true);
    expect(CopyParent.isInstance(new ChildError('ERR_CHILD', 'c'))).toBe(true);
    expect(ChildError.isInstance(fromCopy)).toBe(false);
  });

  it('brands are invisible to logs and JSON', () => {
    const error = new ChildError('ERR_CHILD', 'c');
    // On the prototypes, non-enumerable: the error itself has only its fields.
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(Object.getOwnPropertySymbols(ChildError.prototype).every((s) => !Object.getOwnPropertyDescriptor(ChildError.prototype, s)!.enumerable)).toBe(true);
  });

  it('isInstance works unbound, as a callback', () => {
    const errors = [new ParentError('ERR_PARENT', 'p'), new SiblingError('ERR_SIBLING', 's'), new ChildError('ERR_CHILD', 'c')];
    expect(errors.filter(ParentError.isInstance)).toEqual([errors[0], errors[2]]);
    expect(errors.filter(Gpt4AllError.isInstance)).toHaveLength(3);
  });

  it('refuses to check for a class that has no brand of its own', () => {
    class Unbranded extends ParentError {}
    expect(() => Unbranded.isInstance(new ParentError('ERR_PARENT', 'p'))).toThrow(/brandError/);
  });
});
