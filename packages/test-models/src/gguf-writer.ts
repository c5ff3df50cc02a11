import { closeSync, openSync, writeSync } from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufValueType,
  alignUp,
  ggmlTensorBytes,
  type GgmlType,
  type GgufArrayItem,
  type GgufKv,
  type GgufValue,
} from './gguf-types.js';

/** Shape and type of a tensor to be written. `dims` is in ggml order (ne0 first). */
export interface GgufTensorSpec {
  name: string;
  dims: readonly number[];
  type: GgmlType;
}

/** A tensor whose bytes are produced on demand, chunk by chunk. */
export interface GgufTensorSource extends GgufTensorSpec {
  /** Must call `write` with exactly the tensor's byte size in total, in order. */
  produce(write: (chunk: Uint8Array) => void): void;
}

/** The encoded metadata of a GGUF file and where each tensor's data goes. */
export interface GgufLayout {
  /** Header, KV section, tensor infos and padding up to the data section. */
  metadata: Uint8Array;
  alignment: number;
  /** Byte size of each tensor, without padding. */
  tensorBytes: number[];
  /** Offset of each tensor relative to the data section start. */
  tensorOffsets: number[];
  /** Total file size. */
  fileSize: number;
}

const utf8 = new TextEncoder();

/** Little-endian byte sink that grows as needed. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  // Callers must call room() before touching buf/view: it may replace them.
  private room(n: number): number {
    if (this.length + n > this.buf.byteLength) {
      const bigger = new Uint8Array(Math.max(this.buf.byteLength * 2, this.length + n));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  u8(v: number): void {
    const at = this.room(1);
    this.view.setUint8(at, v);
  }
  i8(v: number): void {
    const at = this.room(1);
    this.view.setInt8(at, v);
  }
  u16(v: number): void {
    const at = this.room(2);
    this.view.setUint16(at, v, true);
  }
  i16(v: number): void {
    const at = this.room(2);
    this.view.setInt16(at, v, true);
  }
  u32(v: number): void {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.room(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number): void {
    const at = this.room(4);
    this.view.setFloat32(at, v, true);
  }
  f64(v: number): void {
    const at = this.room(8);
    this.view.setFloat64(at, v, true);
  }
  u64(v: bigint | number): void {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  i64(v: bigint | number): void {
    const at = this.room(8);
    this.view.setBigInt64(at, BigInt(v), true);
  }
  bytes(b: Uint8Array): void {
    const at = this.room(b.byteLength);
    this.buf.set(b, at);
  }
  string(s: string | Uint8Array): void {
    const b = typeof s === 'string' ? utf8.encode(s) : s;
    this.u64(b.byteLength);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    const target = alignUp(this.length, alignment);
    this.room(target - this.length); // fresh bytes are zero
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function expect<T>(ok: boolean, v: unknown, what: string): T {
  if (!ok) throw new TypeError(`GGUF writer: expected ${what}, got ${typeof v}`);
  return v as T;
}

function writeItem(s: ByteSink, type: GgufValueType, v: GgufArrayItem): void {
  const num = () => expect<number>(typeof v === 'number', v, 'number');
  switch (type) {
    case GgufValueType.UINT8: return s.u8(num());
    case GgufValueType.INT8: return s.i8(num());
    case GgufValueType.UINT16: return s.u16(num());
    case GgufValueType.INT16: return s.i16(num());
    case GgufValueType.UINT32: return s.u32(num());
    case GgufValueType.INT32: return s.i32(num());
    case GgufValueType.FLOAT32: return s.f32(num());
    case GgufValueType.FLOAT64: return s.f64(num());
    case GgufValueType.UINT64: return s.u64(expect<bigint | number>(typeof v === 'bigint' || typeof v === 'number', v, 'bigint'));
    case GgufValueType.INT64: return s.i64(expect<bigint | number>(typeof v === 'bigint' || typeof v === 'number', v, 'bigint'));
    case GgufValueType.BOOL: return s.u8(expect<boolean>(typeof v === 'boolean', v, 'boolean') ? 1 : 0);
    case GgufValueType.STRING:
      return s.string(expect<string | Uint8Array>(typeof v === 'string' || v instanceof Uint8Array, v, 'string'));
    case GgufValueType.ARRAY: {
      const arr = expect<GgufValue & { type: GgufValueType.ARRAY }>(
        typeof v === 'object' && !(v instanceof Uint8Array),
        v,
        'array',
      );
      s.u32(arr.itemType);
      s.u64(arr.value.length);
      for (const item of arr.value) writeItem(s, arr.itemType, item);
      return;
    }
    default:
      throw new TypeError(`GGUF writer: invalid value type ${type as number}`);
  }
}

/** Encodes one KV entry (key, type tag, value) exactly as it appears in a file. */
export function encodeKvEntry(entry: GgufKv): Uint8Array {
  const s = new ByteSink();
  s.string(entry.key);
  s.u32(entry.value.type);
  writeItem(s, entry.value.type, entry.value.type === GgufValueType.ARRAY ? entry.value : entry.value.value);
  return s.result();
}

/** The alignment a file with these KVs uses: `general.alignment` or 32. */
export function alignmentOf(kv: readonly GgufKv[]): number {
  const entry = kv.find((e) => e.key === 'general.alignment');
  const a = entry && typeof entry.value.value === 'number' ? entry.value.value : GGUF_DEFAULT_ALIGNMENT;
  if (a <= 0 || (a & (a - 1)) !== 0) throw new RangeError(`general.alignment must be a power of two, got ${a}`);
  return a;
}

/**
 * Encodes header, KVs and tensor infos; tensors are laid out in the given order,
 * each padded to the alignment (llama.cpp's loader insists on exactly this layout).
 */
export function encodeGgufLayout(kv: readonly GgufKv[], tensors: readonly GgufTensorSpec[]): GgufLayout {
  const alignment = alignmentOf(kv);
  const keys = new Set<string>();
  for (const { key } of kv) {
    if (keys.has(key)) throw new Error(`GGUF writer: duplicate key '${key}'`);
    keys.add(key);
  }
  const s = new ByteSink();
  s.u32(GGUF_MAGIC);
  s.u32(GGUF_VERSION);
  s.u64(tensors.length);
  s.u64(kv.length);
  for (const entry of kv) s.bytes(encodeKvEntry(entry));
  const tensorBytes: number[] = [];
  const tensorOffsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = ggmlTensorBytes(t.type, t.dims);
    s.string(t.name);
    s.u32(t.dims.length);
    for (const d of t.dims) s.u64(d);
    s.u32(t.type);
    s.u64(offset);
    tensorBytes.push(bytes);
    tensorOffsets.push(offset);
    offset += alignUp(bytes, alignment);
  }
  if (tensors.length > 0) s.padTo(alignment);
  const metadata = s.result();
  return { metadata, alignment, tensorBytes, tensorOffsets, fileSize: metadata.byteLength + offset };
}

/**
 * Writes a GGUF file tensor by tensor, so peak memory is one chunk rather than
 * the whole model. Synchronous on purpose: it keeps the byte order trivially
 * deterministic and is as fast as async I/O for one sequential file.
 * @returns the file size in bytes.
 */
export function writeGgufFile(path: string, kv: readonly GgufKv[], tensors: readonly GgufTensorSource[]): number {
  const layout = encodeGgufLayout(kv, tensors);
  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    const put = (b: Uint8Array) => {
      let done = 0;
      while (done < b.byteLength) done += writeSync(fd, b, done, b.byteLength - done, pos + done);
      pos += b.byteLength;
    };
    put(layout.metadata);
    const zeros = new Uint8Array(layout.alignment);
    tensors.forEach((t, i) => {
      const start = pos;
      t.produce(put);
      const wrote = pos - start;
      if (wrote !== layout.tensorBytes[i]) {
        throw new Error(`tensor '${t.name}' produced ${wrote} bytes, expected ${layout.tensorBytes[i]}`);
      }
      put(zeros.subarray(0, alignUp(wrote, layout.alignment) - wrote));
    });
    return pos;
  } finally {
    closeSync(fd);
  }
}

/** Encodes a whole GGUF file in memory; for small files such as test fixtures. */
export function encodeGguf(
  kv: readonly GgufKv[],
  tensors: readonly (GgufTensorSpec & { data: Uint8Array })[],
): Uint8Array {
  const layout = encodeGgufLayout(kv, tensors);
  const out = new Uint8Array(layout.fileSize);
  out.set(layout.metadata);
  tensors.forEach((t, i) => {
    if (t.data.byteLength !== layout.tensorBytes[i]) {
      throw new Error(`tensor '${t.name}' has ${t.data.byteLength} bytes, expected ${layout.tensorBytes[i]}`);
    }
    out.set(t.data, layout.metadata.byteLength + (layout.tensorOffsets[i] ?? 0));
  });
  return out;
}
