import { BackendError, ContextOverflowError, Gpt4AllError, ModelLoadError } from '@gpt4all/core';
import { AbortedError, ChecksumError, DownloadError, ModelNotFoundError } from '@gpt4all/download';
import { TemplateError, TemplateSyntaxError } from '@gpt4all/templates';
import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error.js';

describe('error identity across @gpt4all packages', () => {
  const errors = {
    chat: new ChatError('ERR_NO_CHAT_TEMPLATE', 'no template'),
    overflow: new ContextOverflowError('too long', 10, 5),
    load: new ModelLoadError('ERR_NOT_GGUF', 'not gguf', '/m.gguf'),
    backend: new BackendError('ERR_NO_BACKEND', 'none'),
    checksum: new ChecksumError({ algorithm: 'sha256', expected: 'a', actual: 'b', path: '/f' }),
    aborted: new AbortedError(),
    template: new TemplateSyntaxError('bad tag', { line: 1, column: 2 }),
  };
  const classes = { ChatError, ContextOverflowError, ModelLoadError, BackendError, DownloadError, ChecksumError, AbortedError, ModelNotFoundError, TemplateError, TemplateSyntaxError };
  // Which classes each error is an instance of, and nothing else.
  const expected: Record<keyof typeof errors, (keyof typeof classes)[]> = {
    chat: ['ChatError'],
    overflow: ['ContextOverflowError'],
    load: ['ModelLoadError'],
    backend: ['BackendError'],
    checksum: ['DownloadError', 'ChecksumError'],
    aborted: ['DownloadError', 'AbortedError'],
    template: ['TemplateError', 'TemplateSyntaxError'],
  };

  it('every error is a Gpt4AllError, and each class’s isInstance is exact', () => {
    for (const [name, error] of Object.entries(errors) as [keyof typeof errors, Gpt4AllError][]) {
      expect(Gpt4AllError.isInstance(error)).toBe(true);
      const matches = Object.entries(classes)
        .filter(([, errorClass]) => errorClass.isInstance(error))
        .map(([className]) => className);
      expect(matches, name).toEqual(expected[name]);
    }
  });

  it('ChatError is recognised from another copy of the package by its brands', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'ERR_INVALID_SESSION' });
    for (const id of ['gpt4all.error', '@gpt4all/chat:ChatError']) Object.defineProperty(foreign, Symbol.for(id), { value: true });
    expect(ChatError.isInstance(foreign)).toBe(true);
    expect(ChatError.isInstance({ code: 'ERR_INVALID_SESSION' })).toBe(false);
  });
});
