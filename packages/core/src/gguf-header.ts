import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ModelLoadError } from './errors/model-load-error.js';
import { legacyGgmlFormatOf, legacyGgmlMessage } from './legacy-ggml.js';

/** One tensor of a GGUF file, as its header describes it (no data). */
export interface GgufTensorEntry {
  name: string;
  /** Bytes of its data in the file: the distance to the next tensor's data (so it includes alignment padding). */
  bytes: number;
}

/** What the header of a GGUF file says, read without touching the tensor data. */
export interface GgufHeaderSummary {
  /** Scalar key/values; an array is kept as its length only (`tokenizer.ggml.tokens` → the vocabulary size). */
  metadata: Record<string, string | number | boolean | bigint | GgufArrayLength>;
  tensors: GgufTensorEntry[];
  /** Bytes of the header: where the tensor data starts. */
  headerBytes: number;
}

/** An array value of the header, not decoded: only its length. */
export interface GgufArrayLength {
  arrayLength: number;
}

const MAGIC = 0x46554747; // "GGUF" little-endian
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;

/** Far above real headers (a 262k-token vocabulary with scores takes about 8 MiB); a lying array length must not make us read a whole 5 GB file. */
const MAX_HEADER_BYTES = 64 << 20;

class Truncated extends Error {}

/**
 * Reads the header (metadata and tensor infos) of a GGUF file: only a prefix of the file, grown
 * until the header parses (1 MiB first, 64 MiB at most), never the weights. Tensor sizes come from the tensor data offsets, so no table of quantisation block
 * sizes is needed and new types are sized correctly.
 * @throws {ModelLoadError} `ERR_MODEL_NOT_FOUND`, `ERR_NOT_GGUF`, `ERR_LEGACY_GGML` (a pre-GGUF GGML file), `ERR_INVALID_GGUF`.
 */
export function readGgufHeader(path: string): GgufHeaderSummary {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ModelLoadError('ERR_MODEL_NOT_FOUND', `cannot open ${path}: ${(error as Error).message}`, path);
  }
  try {
    const size = fstatSync(fd).size;
    const limit = Math.min(size, MAX_HEADER_BYTES);
    for (let want = Math.min(limit, 1 << 20); ; want = Math.min(limit, want * 4)) {
      const buffer = Buffer.alloc(want);
      const got = readSync(fd, buffer, 0, want, 0);
      try {
        return parse(buffer.subarray(0, got), size, path);
      } catch (error) {
        if (!(error instanceof Truncated)) throw error;
        if (want >= limit) {
          const why = limit < size ? `is larger than ${MAX_HEADER_BYTES / (1 << 20)} MiB` : 'is truncated';
          throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: the GGUF header ${why}`, path);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Parses GGUF header bytes (as fetched with an HTTP range request, say). `fileBytes`, the size
 * of the whole file, sizes the last tensor.
 * @throws {ModelLoadError} `ERR_NOT_GGUF`, `ERR_INVALID_GGUF` (also when `bytes` end before the header does).
 */
export function parseGgufHeader(bytes: Buffer, fileBytes: number, path = '<buffer>'): GgufHeaderSummary {
  try {
    return parse(bytes, fileBytes, path);
  } catch (error) {
    if (error instanceof Truncated) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: the GGUF header ends after ${bytes.length} bytes`, path);
    throw error;
  }
}

/** {@link parseGgufHeader}, throwing {@link Truncated} when the bytes end early (more may follow). */
function parse(bytes: Buffer, fileBytes: number, path: string): GgufHeaderSummary {
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new Truncated();
    const start = at;
    at += n;
    return start;
  };
  const u32 = () => bytes.readUInt32LE(need(4));
  const u64 = () => {
    const value = bytes.readBigUInt64LE(need(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: a count of ${value} at byte ${at - 8}`, path);
    return Number(value);
  };
  const string = () => {
    const length = u64();
    return bytes.toString('utf8', need(length), at);
  };
  const scalar = (type: number): string | number | boolean | bigint => {
    switch (type) {
      case 0: return bytes.readUInt8(need(1));
      case 1: return bytes.readInt8(need(1));
      case 2: return bytes.readUInt16LE(need(2));
      case 3: return bytes.readInt16LE(need(2));
      case 4: return bytes.readUInt32LE(need(4));
      case 5: return bytes.readInt32LE(need(4));
      case 6: return bytes.readFloatLE(need(4));
      case 7: return bytes.readUInt8(need(1)) !== 0;
      case 10: return bytes.readBigUInt64LE(need(8));
      case 11: return bytes.readBigInt64LE(need(8));
      case 12: return bytes.readDoubleLE(need(8));
      case STRING: return string();
      default: throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: unknown value type ${type} at byte ${at - 4}`, path);
    }
  };
  // Arrays are skipped, not decoded: only their length is kept.
  const skipArray = (depth: number): number => {
    if (depth > 8) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: arrays nested too deeply`, path);
    const itemType = u32();
    const length = u64();
    if (SCALAR_BYTES[itemType] !== undefined) need(length * SCALAR_BYTES[itemType]);
    else if (itemType === STRING) for (let i = 0; i < length; i++) need(u64());
    else if (itemType === ARRAY) for (let i = 0; i < length; i++) skipArray(depth + 1);
    else throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: unknown array item type ${itemType}`, path);
    return length;
  };

  if (bytes.length < 4 || bytes.readUInt32LE(0) !== MAGIC) {
    const legacy = legacyGgmlFormatOf(bytes);
    if (legacy) throw new ModelLoadError('ERR_LEGACY_GGML', legacyGgmlMessage(path, legacy), path);
    throw new ModelLoadError('ERR_NOT_GGUF', `${path} is not a GGUF file`, path);
  }
  need(4);
  const version = u32();
  if (version !== 2 && version !== 3) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: unsupported GGUF version ${version}`, path);
  const tensorCount = u64();
  const kvCount = u64();
  const metadata: GgufHeaderSummary['metadata'] = {};
  for (let i = 0; i < kvCount; i++) {
    const key = string();
    const type = u32();
    metadata[key] = type === ARRAY ? { arrayLength: skipArray(0) } : scalar(type);
  }
  const infos: { name: string; offset: number }[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = string();
    const dims = u32();
    if (dims > 4) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: tensor ${name} has ${dims} dimensions`, path);
    need(8 * dims);
    u32(); // ggml type: sizes come from the offsets
    infos.push({ name, offset: u64() });
  }
  const alignment = typeof metadata['general.alignment'] === 'number' ? metadata['general.alignment'] : 32;
  const headerBytes = Math.ceil(at / alignment) * alignment;
  const dataBytes = fileBytes - headerBytes;
  const sorted = [...infos].sort((a, b) => a.offset - b.offset);
  const tensors = sorted.map(({ name, offset }, i) => {
    const end = i + 1 < sorted.length ? sorted[i + 1]!.offset : dataBytes;
    if (end < offset) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: tensor ${name} lies past the end of the file`, path);
    return { name, bytes: end - offset };
  });
  return { metadata, tensors, headerBytes };
}
