import { describe, expect, it } from 'vitest';
import { scanJsonValue } from './json-scan.js';

describe('scanJsonValue', () => {
  it('finds the end of an object followed by more text', () => {
    const text = 'x {"a": "}{\\"", "b": [1, {"c": null}]}</tool_call> tail';
    expect(scanJsonValue(text, 1)).toEqual({ ok: true, value: { a: '}{"', b: [1, { c: null }] }, end: text.indexOf('</tool_call>') });
  });

  it('reads scalars', () => {
    expect(scanJsonValue('  -1.5e3,', 0)).toEqual({ ok: true, value: -1500, end: 8 });
    expect(scanJsonValue('"a\\"b" x', 0)).toEqual({ ok: true, value: 'a"b', end: 6 });
    expect(scanJsonValue('true]', 0)).toEqual({ ok: true, value: true, end: 4 });
  });

  it('tells incomplete from malformed', () => {
    expect(scanJsonValue('{"a": [1, 2', 0)).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(scanJsonValue('{"a": "}', 0)).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(scanJsonValue('   ', 0)).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(scanJsonValue('{a: 1}', 0)).toMatchObject({ ok: false, reason: 'malformed', end: 6 });
    expect(scanJsonValue('{"a": 1]', 0)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(scanJsonValue('nope', 0)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
