import { describe, expect, it } from 'vitest';
import { apiKeyCheck } from './api-key-check.js';

describe('apiKeyCheck', () => {
  const check = apiKeyCheck('sk-local-123');

  it('accepts exactly `Bearer <key>` (the scheme in any case)', () => {
    expect(check('Bearer sk-local-123')).toBe(true);
    expect(check('bearer sk-local-123')).toBe(true);
  });

  it('refuses a missing, wrong, longer, shorter or differently sent key', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer sk-local-12', 'Bearer sk-local-1234', 'Bearer SK-LOCAL-123', 'sk-local-123', 'Basic sk-local-123']) {
      expect(check(header), String(header)).toBe(false);
    }
  });
});
