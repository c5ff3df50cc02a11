import { Gpt4AllError } from '@gpt4all/core';
import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error.js';

describe('ChatError', () => {
  it('is a Gpt4AllError, and isInstance recognises only its own codes, also from another copy', () => {
    const error = new ChatError('ERR_NO_CHAT_TEMPLATE', 'no template');
    expect(Gpt4AllError.isInstance(error)).toBe(true);
    expect(ChatError.isInstance(error)).toBe(true);
    // The engine's and the downloader's errors share the brand but are not ChatErrors.
    expect(ChatError.isInstance(new Gpt4AllError('ERR_ABORTED', 'aborted'))).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), { code: 'ERR_INVALID_SESSION' });
    Object.defineProperty(foreign, Symbol.for('gpt4all.error'), { value: true });
    expect(ChatError.isInstance(foreign)).toBe(true);
    expect(ChatError.isInstance({ code: 'ERR_INVALID_SESSION' })).toBe(false);
  });
});
