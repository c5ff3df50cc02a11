/**
 * Types and constants of the GGUF v3 container format.
 *
 * The numbers mirror `ggml/include/gguf.h` (value types) and
 * `gguf-py/gguf/constants.py` (ggml tensor types, file types) of the vendored
 * llama.cpp; they are part of the on-disk format and must never change.
 */

/** The four bytes every GGUF file starts with ("GGUF"), as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;

/** The only GGUF version this package writes (and the newest llama.cpp reads). */
export const GGUF_VERSION = 3;

/** Alignment of the tensor data section when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Type tags of GGUF key/value entries (`enum gguf_type`). */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** Byte size of each fixed-size scalar value type (strings and arrays are variable). */
export const GGUF_SCALAR_SIZE: Readonly<Partial<Record<GgufValueType, number>>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/** Tensor element types (`enum ggml_type`); only the ones this package needs by name. */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  BF16 = 30,
}

/** Block geometry `[elementsPerBlock, bytesPerBlock]` of the ggml types above. */
export const GGML_BLOCK: Readonly<Record<GgmlType, readonly [number, number]>> = {
  [GgmlType.F32]: [1, 4],
  [GgmlType.F16]: [1, 2],
  [GgmlType.Q4_0]: [32, 18],
  [GgmlType.Q4_1]: [32, 20],
  [GgmlType.Q5_0]: [32, 22],
  [GgmlType.Q5_1]: [32, 24],
  [GgmlType.Q8_0]: [32, 34],
  [GgmlType.I8]: [1, 1],
  [GgmlType.I16]: [1, 2],
  [GgmlType.I32]: [1, 4],
  [GgmlType.I64]: [1, 8],
  [GgmlType.F64]: [1, 8],
  [GgmlType.BF16]: [1, 2],
};

/** `general.file_type` values (`LlamaFileType`) for the two types this package writes. */
export enum LlamaFileType {
  ALL_F32 = 0,
  MOSTLY_F16 = 1,
}

/** A scalar KV value. Integers of 64 bits are bigint so that no precision is lost. */
export type GgufScalar =
  | { type: GgufValueType.UINT8 | GgufValueType.INT8 | GgufValueType.UINT16 | GgufValueType.INT16; value: number }
  | { type: GgufValueType.UINT32 | GgufValueType.INT32 | GgufValueType.FLOAT32 | GgufValueType.FLOAT64; value: number }
  | { type: GgufValueType.UINT64 | GgufValueType.INT64; value: bigint }
  | { type: GgufValueType.BOOL; value: boolean }
  | { type: GgufValueType.STRING; value: string | Uint8Array };

/**
 * An array KV value. Numeric arrays of 32 bits or fewer are plain numbers,
 * 64-bit integer arrays are bigints. Nested arrays are allowed by the format.
 * Strings that are not valid UTF-8 (some vocabularies hold raw byte pieces)
 * are kept as their raw bytes so that copying a vocabulary is byte-exact.
 */
export type GgufArray = {
  type: GgufValueType.ARRAY;
  itemType: GgufValueType;
  value: readonly GgufArrayItem[];
};

/** One element of a {@link GgufArray}. */
export type GgufArrayItem = number | bigint | boolean | string | Uint8Array | GgufArray;

/** Any GGUF key/value payload, tagged with its on-disk type. */
export type GgufValue = GgufScalar | GgufArray;

/** One key/value pair, in file order. */
export interface GgufKv {
  key: string;
  value: GgufValue;
}

/** One entry of the tensor-info section. `dims` is in ggml order (ne0 first). */
export interface GgufTensorInfo {
  name: string;
  dims: readonly number[];
  type: GgmlType | number;
  /** Offset relative to the start of the (aligned) data section. */
  offset: bigint;
}

/** Byte size of a tensor of `type` with `dims`, as ggml computes it (rows are whole blocks). */
export function ggmlTensorBytes(type: GgmlType, dims: readonly number[]): number {
  const [perBlock, blockBytes] = GGML_BLOCK[type];
  const elements = dims.reduce((a, b) => a * b, 1);
  if ((dims[0] ?? 1) % perBlock !== 0) {
    throw new Error(`ggml type ${GgmlType[type]} needs rows that are a multiple of ${perBlock}, got ${dims[0]}`);
  }
  return (elements / perBlock) * blockBytes;
}

/** Rounds `n` up to a multiple of `alignment`. */
export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
