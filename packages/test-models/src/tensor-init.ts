import { toHalfBits } from './half-float.js';
import { GgmlType } from './gguf-types.js';
import type { GgufTensorSource } from './gguf-writer.js';
import { Xoshiro128, deriveSeed } from './prng.js';

/**
 * How a tensor's values are chosen.
 * - `random`: zero-mean uniform noise with standard deviation `std`.
 * - `constant`: every element equals `value` (norm gains are 1).
 * - `rows`: chosen values, one row (`dims[0]` elements, e.g. one token's embedding) at a time:
 *   `fill(row, out)` writes row `row` into `out`, which arrives zeroed. Used by scripted models.
 */
export type TensorInit =
  | { kind: 'random'; std: number }
  | { kind: 'constant'; value: number }
  | { kind: 'rows'; fill: (row: number, out: Float32Array) => void };

/** A tensor of a test model: name, ggml-order dims, how to fill it, its storage type. */
export interface TensorPlan {
  name: string;
  dims: readonly number[];
  init: TensorInit;
  /**
   * Keep in F32 even in an F16 model. llama.cpp's converter does this for 1-D
   * tensors, norms, position embeddings and token types, and parts of ggml
   * only handle those in F32.
   */
  forceF32?: boolean;
}

/** Standard deviation that keeps activations at unit scale through a matmul. */
export function fanInStd(dims: readonly number[]): number {
  return 1 / Math.sqrt(dims[0] ?? 1);
}

// Elements generated per chunk handed to the file writer: big enough that the
// per-write overhead vanishes, small enough to keep memory flat (4 MiB of F32).
const CHUNK = 1 << 20;
const LEVELS = 1 << 16;

/**
 * Quantised uniform distribution: 65536 evenly spaced levels spanning
 * [-a, a) with a = std * sqrt(3). Drawing a level costs 16 random bits and one
 * table load, which is what makes writing a 1.1B-parameter model take seconds
 * rather than minutes; 16 bits of resolution is far finer than F16 anyway.
 */
function levelTable(std: number): Float32Array {
  const a = std * Math.sqrt(3);
  const t = new Float32Array(LEVELS);
  for (let k = 0; k < LEVELS; k++) t[k] = a * ((k + 0.5) / (LEVELS / 2) - 1);
  return t;
}

function halfTable(values: Float32Array): Uint16Array {
  const t = new Uint16Array(values.length);
  for (let k = 0; k < values.length; k++) t[k] = toHalfBits(values[k]!);
  return t;
}

/** Fills `out` from the level table, two elements per 32-bit draw. */
function fillFromTable(out: Float32Array | Uint16Array, table: Float32Array | Uint16Array, rng: Xoshiro128): void {
  const n = out.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = rng.nextU32();
    out[i] = table[r & 0xffff]!;
    out[i + 1] = table[r >>> 16]!;
  }
  if (i < n) out[i] = table[rng.nextU32() & 0xffff]!;
}

/** Streams a `rows` tensor: whole rows per chunk, converted to F16 when stored as F16. */
function produceRows(
  dims: readonly number[],
  fill: (row: number, out: Float32Array) => void,
  type: GgmlType.F32 | GgmlType.F16,
  write: (bytes: Uint8Array) => void,
): void {
  const width = dims[0] ?? 1;
  const rows = dims.slice(1).reduce((a, b) => a * b, 1);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / width));
  const values = new Float32Array(rowsPerChunk * width);
  const half = type === GgmlType.F16 ? new Uint16Array(values.length) : undefined;
  for (let first = 0; first < rows; first += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, rows - first);
    values.fill(0);
    for (let r = 0; r < n; r++) fill(first + r, values.subarray(r * width, (r + 1) * width));
    const count = n * width;
    if (half) {
      for (let i = 0; i < count; i++) half[i] = toHalfBits(values[i]!);
      write(new Uint8Array(half.buffer, 0, count * 2));
    } else {
      write(new Uint8Array(values.buffer, 0, count * 4));
    }
  }
}

/** The storage type a planned tensor gets in a model of `fileType`. */
export function storageType(plan: TensorPlan, fileType: 'F32' | 'F16'): GgmlType.F32 | GgmlType.F16 {
  return fileType === 'F16' && !plan.forceF32 && plan.dims.length >= 2 ? GgmlType.F16 : GgmlType.F32;
}

/**
 * Turns a plan into a streaming tensor source. The values depend only on
 * (seed, tensor name, dims, init), never on which other tensors exist.
 */
export function tensorSource(plan: TensorPlan, seed: number, fileType: 'F32' | 'F16'): GgufTensorSource {
  const type = storageType(plan, fileType);
  const count = plan.dims.reduce((a, b) => a * b, 1);
  return {
    name: plan.name,
    dims: plan.dims,
    type,
    produce(write) {
      const chunkLen = Math.min(CHUNK, count);
      const buf = type === GgmlType.F16 ? new Uint16Array(chunkLen) : new Float32Array(chunkLen);
      const bytes = new Uint8Array(buf.buffer);
      const bytesPer = buf.BYTES_PER_ELEMENT;
      if (plan.init.kind === 'constant') {
        buf.fill(type === GgmlType.F16 ? toHalfBits(plan.init.value) : plan.init.value);
        for (let done = 0; done < count; done += chunkLen) {
          write(bytes.subarray(0, Math.min(chunkLen, count - done) * bytesPer));
        }
        return;
      }
      if (plan.init.kind === 'rows') {
        produceRows(plan.dims, plan.init.fill, type, write);
        return;
      }
      const levels = levelTable(plan.init.std);
      const table = type === GgmlType.F16 ? halfTable(levels) : levels;
      const rng = new Xoshiro128(deriveSeed(seed, plan.name));
      for (let done = 0; done < count; done += chunkLen) {
        const n = Math.min(chunkLen, count - done);
        const view = buf.subarray(0, n);
        fillFromTable(view, table, rng);
        write(bytes.subarray(0, n * bytesPer));
      }
    },
  };
}
