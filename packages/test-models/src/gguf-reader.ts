import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_SCALAR_SIZE,
  GgufValueType,
  alignUp,
  type GgufArrayItem,
  type GgufKv,
  type GgufTensorInfo,
  type GgufValue,
} from './gguf-types.js';

/** The parsed metadata of a GGUF file: everything before the tensor data. */
export interface GgufHeader {
  version: number;
  kv: GgufKv[];
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where the (aligned) tensor data section starts. */
  dataOffset: number;
  /** Absolute file offset where the tensor-info section starts (end of the KV section). */
  tensorInfoOffset: number;
  /** Absolute file offset just past the last tensor info (before alignment padding). */
  tensorInfoEnd: number;
  /** Where each KV entry lies in the file, parallel to `kv`. */
  kvSpans: GgufKvSpan[];
  /** Where each tensor info lies in the file, parallel to `tensors`. */
  tensorSpans: GgufTensorSpan[];
}

/** Byte positions of one KV entry (absolute offsets). */
export interface GgufKvSpan {
  /** The key's u64 length prefix. */
  start: number;
  /** The u32 type tag. */
  typeAt: number;
  /** The value (for arrays: the item type tag, then the u64 length). */
  valueAt: number;
  end: number;
}

/** Byte positions of one tensor info (absolute offsets). */
export interface GgufTensorSpan {
  /** The name's u64 length prefix. */
  start: number;
  nDimsAt: number;
  /** The first u64 dimension. */
  dimsAt: number;
  typeAt: number;
  offsetAt: number;
  end: number;
}

/** Thrown when the bytes are not a well-formed GGUF header. */
export class GgufParseError extends Error {
  constructor(
    message: string,
    /** Byte offset where parsing failed. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'GgufParseError';
  }
}

/** Thrown when the bytes end before the header does; more bytes may fix it. */
export class GgufTruncatedError extends GgufParseError {
  constructor(offset: number) {
    super('unexpected end of GGUF data', offset);
    this.name = 'GgufTruncatedError';
  }
}

// Sanity caps: this reader is also pointed at deliberately corrupted files, and
// must fail fast instead of trying to allocate billions of entries.
const MAX_ARRAY_DEPTH = 8;
const MAX_DIMS = 4;

// ignoreBOM: a token may legitimately be U+FEFF, which the decoder would
// otherwise swallow; fatal: invalid UTF-8 is kept as raw bytes instead.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }
  need(n: number): number {
    if (n > this.remaining) throw new GgufTruncatedError(this.pos);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number { return this.view.getUint8(this.need(1)); }
  i8(): number { return this.view.getInt8(this.need(1)); }
  u16(): number { return this.view.getUint16(this.need(2), true); }
  i16(): number { return this.view.getInt16(this.need(2), true); }
  u32(): number { return this.view.getUint32(this.need(4), true); }
  i32(): number { return this.view.getInt32(this.need(4), true); }
  f32(): number { return this.view.getFloat32(this.need(4), true); }
  f64(): number { return this.view.getFloat64(this.need(8), true); }
  u64(): bigint { return this.view.getBigUint64(this.need(8), true); }
  i64(): bigint { return this.view.getBigInt64(this.need(8), true); }
  /** A u64 that must fit a JS number (counts and lengths). */
  count(what: string): number {
    const at = this.pos;
    const n = this.u64();
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufParseError(`${what} ${n} is absurd`, at);
    return Number(n);
  }
  /** GGUF string: u64 length then bytes; kept raw when it is not valid UTF-8. */
  string(): string | Uint8Array {
    const at = this.pos;
    const len = this.count('string length');
    if (len > this.remaining) {
      this.pos = at;
      throw new GgufTruncatedError(at);
    }
    const raw = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    try {
      return strictUtf8.decode(raw);
    } catch {
      return raw.slice();
    }
  }
  text(what: string): string {
    const at = this.pos;
    const s = this.string();
    if (typeof s !== 'string') throw new GgufParseError(`${what} is not valid UTF-8`, at);
    return s;
  }
}

function readItem(c: Cursor, type: GgufValueType, depth: number): GgufArrayItem {
  switch (type) {
    case GgufValueType.UINT8: return c.u8();
    case GgufValueType.INT8: return c.i8();
    case GgufValueType.UINT16: return c.u16();
    case GgufValueType.INT16: return c.i16();
    case GgufValueType.UINT32: return c.u32();
    case GgufValueType.INT32: return c.i32();
    case GgufValueType.FLOAT32: return c.f32();
    case GgufValueType.FLOAT64: return c.f64();
    case GgufValueType.UINT64: return c.u64();
    case GgufValueType.INT64: return c.i64();
    case GgufValueType.BOOL: return c.u8() !== 0;
    case GgufValueType.STRING: return c.string();
    case GgufValueType.ARRAY: return readArray(c, depth + 1);
    default: throw new GgufParseError(`invalid GGUF value type ${type as number}`, c.pos);
  }
}

function readArray(c: Cursor, depth: number): GgufValue & { type: GgufValueType.ARRAY } {
  if (depth > MAX_ARRAY_DEPTH) throw new GgufParseError('arrays nested too deeply', c.pos);
  const typeAt = c.pos;
  const itemType = c.u32() as GgufValueType;
  if (!(itemType in GgufValueType)) throw new GgufParseError(`invalid array item type ${itemType}`, typeAt);
  const n = c.count('array length');
  // Every element takes at least one byte on disk (strings eight), so a length
  // beyond the remaining bytes is either truncation or a lie; both end here.
  const minItem = GGUF_SCALAR_SIZE[itemType] ?? 8;
  if (n * minItem > c.remaining) throw new GgufTruncatedError(c.pos);
  const value: GgufArrayItem[] = new Array(n);
  for (let i = 0; i < n; i++) value[i] = readItem(c, itemType, depth);
  return { type: GgufValueType.ARRAY, itemType, value };
}

function readValue(c: Cursor, type: GgufValueType): GgufValue {
  if (type === GgufValueType.ARRAY) return readArray(c, 0);
  const value = readItem(c, type, 0);
  return { type, value } as GgufValue;
}

/** `general.alignment`, which must be a u32 power of two, or the default. */
function readAlignment(kv: readonly GgufKv[], offset: number): number {
  const entry = kv.find((e) => e.key === 'general.alignment');
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const { type, value } = entry.value;
  if (type !== GgufValueType.UINT32 || typeof value !== 'number' || value === 0 || (value & (value - 1)) !== 0) {
    throw new GgufParseError(`general.alignment must be a u32 power of two`, offset);
  }
  return value;
}

/**
 * Parses the header, key/value and tensor-info sections of GGUF bytes.
 * The bytes may stop anywhere after the tensor infos (tensor data is not read).
 * @throws GgufTruncatedError when the bytes end early, GgufParseError when malformed.
 */
export function parseGgufHeader(bytes: Uint8Array): GgufHeader {
  const c = new Cursor(bytes);
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) throw new GgufParseError('bad magic', 0);
  const version = c.u32();
  if (version !== 2 && version !== 3) throw new GgufParseError(`unsupported GGUF version ${version}`, 4);
  const nTensors = c.count('tensor count');
  const nKv = c.count('KV count');
  const kv: GgufKv[] = [];
  const kvSpans: GgufKvSpan[] = [];
  const seenKeys = new Set<string>();
  for (let i = 0; i < nKv; i++) {
    const start = c.pos;
    const key = c.text('key');
    const typeAt = c.pos;
    const type = c.u32() as GgufValueType;
    if (!(type in GgufValueType)) throw new GgufParseError(`key '${key}' has invalid type ${type}`, typeAt);
    const valueAt = c.pos;
    // Same rule as llama.cpp's reader: a key may appear once.
    if (seenKeys.has(key)) throw new GgufParseError(`duplicate key '${key}'`, start);
    seenKeys.add(key);
    kv.push({ key, value: readValue(c, type) });
    kvSpans.push({ start, typeAt, valueAt, end: c.pos });
  }
  const tensorInfoOffset = c.pos;
  const alignment = readAlignment(kv, tensorInfoOffset);
  const tensors: GgufTensorInfo[] = [];
  const tensorSpans: GgufTensorSpan[] = [];
  const seenNames = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const start = c.pos;
    const name = c.text('tensor name');
    if (seenNames.has(name)) throw new GgufParseError(`duplicate tensor name '${name}'`, start);
    seenNames.add(name);
    const nDimsAt = c.pos;
    const nDims = c.u32();
    if (nDims > MAX_DIMS) throw new GgufParseError(`tensor '${name}' has ${nDims} dims`, nDimsAt);
    const dimsAt = c.pos;
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.count('dimension'));
    const typeAt = c.pos;
    const type = c.u32();
    const offsetAt = c.pos;
    const offset = c.u64();
    tensors.push({ name, dims, type, offset });
    tensorSpans.push({ start, nDimsAt, dimsAt, typeAt, offsetAt, end: c.pos });
  }
  const tensorInfoEnd = c.pos;
  const dataOffset = alignUp(tensorInfoEnd, alignment);
  return { version, kv, tensors, alignment, dataOffset, tensorInfoOffset, tensorInfoEnd, kvSpans, tensorSpans };
}

/**
 * Reads the metadata of a GGUF file without loading its tensor data: it reads
 * a growing prefix of the file until the header parses.
 */
export function readGgufHeader(path: string): GgufHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let want = Math.min(size, 1 << 20);
    for (;;) {
      const buf = new Uint8Array(want);
      const got = readSync(fd, buf, 0, want, 0);
      try {
        return parseGgufHeader(buf.subarray(0, got));
      } catch (err) {
        if (!(err instanceof GgufTruncatedError) || want >= size) throw err;
        want = Math.min(size, want * 4);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The value of `key`, or undefined. */
export function findKv(header: Pick<GgufHeader, 'kv'>, key: string): GgufValue | undefined {
  return header.kv.find((e) => e.key === key)?.value;
}
