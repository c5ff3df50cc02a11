import { ContextOverflowError } from '@gpt4all/chat';
import { describe, expect, it } from 'vitest';
import { toApiError } from './to-api-error.js';

describe('toApiError', () => {
  it('answers a client that went away with 499 and logs nothing; a real failure is 500 and logged', () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    for (const code of ['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']) {
      const gone = toApiError(Object.assign(new Error('Premature close'), { code }), log, { clientGone: true });
      expect(gone).toMatchObject({ status: 499, code: 'client_closed_request' });
    }
    expect(lines).toEqual([]);
    // The same error of another socket, with the request's client still there, is the server's.
    expect(toApiError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), log, { clientGone: false })).toMatchObject({ status: 500 });
    expect(lines).toHaveLength(1);
    lines.length = 0;
    expect(toApiError(new Error('boom'), log)).toMatchObject({ status: 500 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*boom/s);
    expect(toApiError(new ContextOverflowError('too long', 10, 5), log)).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });
});
