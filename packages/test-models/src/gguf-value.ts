import { GgufValueType, type GgufArrayItem, type GgufKv, type GgufValue } from './gguf-types.js';

/**
 * Constructors for tagged GGUF values, so call sites read like the key tables
 * in llama.cpp (`gguf.u32(2048)`) instead of spelling out type tags.
 */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: GgufValueType.UINT8, value }),
  i8: (value: number): GgufValue => ({ type: GgufValueType.INT8, value }),
  u16: (value: number): GgufValue => ({ type: GgufValueType.UINT16, value }),
  i16: (value: number): GgufValue => ({ type: GgufValueType.INT16, value }),
  u32: (value: number): GgufValue => ({ type: GgufValueType.UINT32, value }),
  i32: (value: number): GgufValue => ({ type: GgufValueType.INT32, value }),
  f32: (value: number): GgufValue => ({ type: GgufValueType.FLOAT32, value }),
  f64: (value: number): GgufValue => ({ type: GgufValueType.FLOAT64, value }),
  u64: (value: bigint): GgufValue => ({ type: GgufValueType.UINT64, value }),
  i64: (value: bigint): GgufValue => ({ type: GgufValueType.INT64, value }),
  bool: (value: boolean): GgufValue => ({ type: GgufValueType.BOOL, value }),
  str: (value: string): GgufValue => ({ type: GgufValueType.STRING, value }),
  array: (itemType: GgufValueType, value: readonly GgufArrayItem[]): GgufValue => ({
    type: GgufValueType.ARRAY,
    itemType,
    value,
  }),
} as const;

/**
 * Returns `kv` with `key` set to `value`: replaced in place when present (so
 * file order stays stable), appended otherwise. Does not mutate the input.
 */
export function setKv(kv: readonly GgufKv[], key: string, value: GgufValue): GgufKv[] {
  const out = kv.map((e) => (e.key === key ? { key, value } : e));
  if (!kv.some((e) => e.key === key)) out.push({ key, value });
  return out;
}
