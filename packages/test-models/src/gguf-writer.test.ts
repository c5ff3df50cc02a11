import { describe, expect, it } from 'vitest';
import { GgufParseError, GgufTruncatedError, parseGgufHeader } from './gguf-reader.js';
import { GgmlType, GgufValueType, type GgufArray, type GgufKv } from './gguf-types.js';
import { gguf } from './gguf-value.js';
import { encodeGguf, encodeGgufLayout } from './gguf-writer.js';

const rawBytes = Uint8Array.of(0xff, 0xfe, 0x41); // not valid UTF-8

const kv: GgufKv[] = [
  { key: 'general.architecture', value: gguf.str('llama') },
  { key: 't.u8', value: gguf.u8(255) },
  { key: 't.i8', value: gguf.i8(-128) },
  { key: 't.u16', value: gguf.u16(65535) },
  { key: 't.i16', value: gguf.i16(-32768) },
  { key: 't.u32', value: gguf.u32(4294967295) },
  { key: 't.i32', value: gguf.i32(-2147483648) },
  { key: 't.f32', value: gguf.f32(1.5) },
  { key: 't.f64', value: gguf.f64(Math.PI) },
  { key: 't.u64', value: gguf.u64(18446744073709551615n) },
  { key: 't.i64', value: gguf.i64(-9223372036854775808n) },
  { key: 't.bool', value: gguf.bool(true) },
  { key: 't.str', value: gguf.str('héllo ✓ 🦙') },
  { key: 't.raw', value: { type: GgufValueType.STRING, value: rawBytes } },
  { key: 't.strs', value: gguf.array(GgufValueType.STRING, ['a', '', 'ü', rawBytes]) },
  { key: 't.f32s', value: gguf.array(GgufValueType.FLOAT32, [0, -1.25, 3e-8]) },
  { key: 't.i64s', value: gguf.array(GgufValueType.INT64, [1n, -2n]) },
  { key: 't.empty', value: gguf.array(GgufValueType.INT32, []) },
  { key: 't.nested', value: gguf.array(GgufValueType.ARRAY, [gguf.array(GgufValueType.UINT8, [1, 2]) as GgufArray]) },
];

describe('GGUF writer and reader', () => {
  it('round-trips every value type', () => {
    const bytes = encodeGguf(kv, []);
    const h = parseGgufHeader(bytes);
    expect(h.version).toBe(3);
    expect(h.tensors).toEqual([]);
    expect(h.kv.map((e) => e.key)).toEqual(kv.map((e) => e.key));
    const f32 = Math.fround(3e-8);
    expect(h.kv.find((e) => e.key === 't.f32s')?.value.value).toEqual([0, -1.25, f32]);
    const expected = kv.map((e) => (e.key === 't.f32s' ? { ...e, value: gguf.array(GgufValueType.FLOAT32, [0, -1.25, f32]) } : e));
    expect(h.kv).toEqual(expected);
    // Re-encoding what was read gives the same bytes.
    expect(encodeGguf(h.kv, [])).toEqual(bytes);
  });

  it('lays out and aligns tensors', () => {
    const tensors = [
      { name: 'a', dims: [3], type: GgmlType.F32, data: new Uint8Array(12).fill(1) },
      { name: 'b', dims: [4, 2], type: GgmlType.F16, data: new Uint8Array(16).fill(2) },
      { name: 'c', dims: [32, 1, 1], type: GgmlType.Q8_0, data: new Uint8Array(34).fill(3) },
    ];
    for (const alignment of [32, 64, 1]) {
      const withAlign = alignment === 32 ? kv : [...kv, { key: 'general.alignment', value: gguf.u32(alignment) }];
      const bytes = encodeGguf(withAlign, tensors);
      const h = parseGgufHeader(bytes);
      expect(h.alignment).toBe(alignment);
      expect(h.dataOffset % alignment).toBe(0);
      expect(h.tensors.map((t) => [t.name, t.dims, t.type])).toEqual(tensors.map((t) => [t.name, t.dims, t.type]));
      h.tensors.forEach((t, i) => {
        expect(Number(t.offset) % alignment).toBe(0);
        const start = h.dataOffset + Number(t.offset);
        expect(bytes.subarray(start, start + tensors[i]!.data.byteLength)).toEqual(tensors[i]!.data);
      });
      expect(encodeGgufLayout(withAlign, tensors).fileSize).toBe(bytes.byteLength);
    }
  });

  it('refuses duplicate keys, bad alignment and wrong data sizes', () => {
    expect(() => encodeGguf([...kv, kv[0]!], [])).toThrow(/duplicate/);
    expect(() => encodeGguf([{ key: 'general.alignment', value: gguf.u32(24) }], [])).toThrow(/power of two/);
    expect(() => encodeGguf([], [{ name: 'x', dims: [2], type: GgmlType.F32, data: new Uint8Array(4) }])).toThrow(/bytes/);
  });

  it('reports truncation and malformed input with typed errors', () => {
    const bytes = encodeGguf(kv, [{ name: 'a', dims: [8], type: GgmlType.F32, data: new Uint8Array(32) }]);
    const h = parseGgufHeader(bytes);
    for (const n of [0, 3, 8, 23, 40, h.tensorInfoOffset - 1, h.tensorInfoEnd - 1]) {
      expect(() => parseGgufHeader(bytes.subarray(0, n))).toThrow(GgufTruncatedError);
    }
    const bad = bytes.slice();
    bad[0] = 0x47 ^ 0xff;
    expect(() => parseGgufHeader(bad)).toThrow(GgufParseError);
    const badType = bytes.slice();
    new DataView(badType.buffer).setUint32(h.kvSpans[1]!.typeAt, 99, true);
    expect(() => parseGgufHeader(badType)).toThrow(/invalid type 99/);
  });
});
