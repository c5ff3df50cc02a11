import { describe, expect, it } from 'vitest';
import { parsePythonCalls } from './python-call.js';

describe('parsePythonCalls', () => {
  it('reads a built-in call and drops `.call`', () => {
    expect(parsePythonCalls('brave_search.call(query="a \\"b\\"")', 0)).toEqual({
      ok: true,
      calls: [{ name: 'brave_search', arguments: { query: 'a "b"' } }],
      end: 34,
    });
  });

  it('reads lists of calls with Python and JSON literals', () => {
    const text = "[f(a=1, b='x', c=True, d=None, e=[1, 2.5], g={'k': false}), h()] rest";
    const out = parsePythonCalls(text, 0);
    expect(out).toEqual({
      ok: true,
      calls: [
        { name: 'f', arguments: { a: 1, b: 'x', c: true, d: null, e: [1, 2.5], g: { k: false } } },
        { name: 'h', arguments: {} },
      ],
      end: text.indexOf(' rest'),
    });
  });

  it('tells incomplete from malformed', () => {
    expect(parsePythonCalls('f(a="x', 0)).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(parsePythonCalls('[f(a=1), ', 0)).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(parsePythonCalls('f(1, 2)', 0)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parsePythonCalls('f(a=1 b=2)', 0)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
