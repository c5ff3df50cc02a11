import { readFileSync } from 'node:fs';
import { EditedBytes, u32le, u64le, type ByteEdit } from './byte-edits.js';
import { parseGgufHeader, type GgufHeader } from './gguf-reader.js';
import { GgmlType, GgufValueType, alignUp, ggmlTensorBytes, type GgufKv } from './gguf-types.js';
import { gguf } from './gguf-value.js';
import { encodeKvEntry } from './gguf-writer.js';
import { Xoshiro128, deriveSeed } from './prng.js';

/** The structural damage a mutation does. */
export type GgufMutationKind =
  | 'truncate-header'
  | 'truncate-kv'
  | 'truncate-tensor-info'
  | 'truncate-data'
  | 'bad-magic'
  | 'bad-version'
  | 'huge-tensor-count'
  | 'huge-kv-count'
  | 'huge-string-length'
  | 'invalid-kv-type'
  | 'array-length-overflow'
  | 'tensor-n-dims'
  | 'tensor-dims'
  | 'tensor-type'
  | 'tensor-offset-beyond-file'
  | 'tensor-offset-misaligned'
  | 'tensor-overlap'
  | 'duplicate-key'
  | 'duplicate-tensor-name'
  | 'bad-alignment'
  | 'byte-flips';

/** One corrupted variant of a valid GGUF file. */
export interface GgufMutation {
  kind: GgufMutationKind;
  /** What was done, with offsets and names, for test names and failure messages. */
  label: string;
  /**
   * True when a correct loader must refuse the file. False only for random bit
   * flips, which may land in a token string or a float and leave a loadable
   * file; a loader must still not crash on those.
   */
  mustReject: boolean;
  /** Size of the mutated file in bytes. */
  size: number;
  /** The mutated bytes (materialised on each call). */
  bytes(): Uint8Array;
  /** Writes the mutated file without materialising it in memory. */
  writeTo(path: string): void;
}

/** Every kind, in the order {@link ggufMutations} cycles through them. */
export const GGUF_MUTATION_KINDS: readonly GgufMutationKind[] = [
  'truncate-header', 'truncate-kv', 'truncate-tensor-info', 'truncate-data', 'bad-magic', 'bad-version',
  'huge-tensor-count', 'huge-kv-count', 'huge-string-length', 'invalid-kv-type', 'array-length-overflow',
  'tensor-n-dims', 'tensor-dims', 'tensor-type', 'tensor-offset-beyond-file', 'tensor-offset-misaligned',
  'tensor-overlap', 'duplicate-key', 'duplicate-tensor-name', 'bad-alignment', 'byte-flips',
];

interface Ctx {
  bytes: Uint8Array;
  h: GgufHeader;
  rng: Xoshiro128;
}
type Plan = { label: string; edits: ByteEdit[]; mustReject?: boolean };

const U64_MAX = (1n << 64n) - 1n;
const at = (offset: number, insert: Uint8Array, remove = insert.byteLength): ByteEdit => ({ offset, remove, insert });
const hex = (n: number | bigint) => `0x${n.toString(16)}`;

function int(rng: Xoshiro128, lo: number, hi: number): number {
  if (hi <= lo) return lo;
  return lo + Math.floor(rng.nextFloat() * (hi - lo));
}
function pick<T>(rng: Xoshiro128, items: readonly T[]): T {
  if (items.length === 0) throw new Error('mutation has nothing to pick from');
  return items[int(rng, 0, items.length)]!;
}

function cut(c: Ctx, n: number, where: string): Plan {
  return { label: `truncated to ${n} bytes (${where})`, edits: [at(n, new Uint8Array(0), c.bytes.byteLength - n)] };
}
/** Name of the KV entry whose span holds `offset`. */
function keyAt(c: Ctx, offset: number): string {
  const i = c.h.kvSpans.findIndex((s) => offset < s.end);
  return c.h.kv[i < 0 ? 0 : i]?.key ?? '?';
}
/** Appends a KV entry to the KV section, fixing n_kv and re-padding so the data stays aligned. */
function insertKv(c: Ctx, entry: Uint8Array): ByteEdit[] {
  const newEnd = c.h.tensorInfoEnd + entry.byteLength;
  const pad = alignUp(newEnd, c.h.alignment) - newEnd;
  return [
    at(16, u64le(BigInt(c.h.kv.length + 1))),
    at(c.h.tensorInfoOffset, entry, 0),
    at(c.h.tensorInfoEnd, new Uint8Array(pad), c.h.dataOffset - c.h.tensorInfoEnd),
  ];
}

const MUTATORS: Record<GgufMutationKind, (c: Ctx) => Plan> = {
  'truncate-header': (c) => cut(c, int(c.rng, 0, 24), 'inside the fixed header'),
  // Truncations pick a KV entry or tensor uniformly and then a byte inside it, so
  // small entries get hit as often as the vocabulary or the embedding table.
  'truncate-kv': (c) => {
    const i = int(c.rng, 0, c.h.kv.length);
    const span = c.h.kvSpans[i]!;
    return cut(c, int(c.rng, span.start, span.end), `inside KV '${c.h.kv[i]!.key}'`);
  },
  'truncate-tensor-info': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const span = c.h.tensorSpans[i]!;
    return cut(c, int(c.rng, span.start, span.end), `inside the info of tensor '${c.h.tensors[i]!.name}'`);
  },
  'truncate-data': (c) => {
    // Cut inside a tensor's bytes, never only its trailing padding: a file
    // missing just the last tensor's padding is still valid.
    const i = int(c.rng, 0, c.h.tensors.length);
    const t = c.h.tensors[i]!;
    const start = c.h.dataOffset + Number(t.offset);
    return cut(c, int(c.rng, start, start + ggmlTensorBytes(t.type as GgmlType, t.dims)), `inside the data of tensor '${t.name}'`);
  },
  'bad-magic': (c) => {
    const magic = pick(c.rng, ['GGML', 'GGJT', 'gguf', 'FUGG', 'GGU\0', '\0\0\0\0']);
    return { label: `magic replaced by ${JSON.stringify(magic)}`, edits: [at(0, new TextEncoder().encode(magic))] };
  },
  'bad-version': (c) => {
    const v = pick(c.rng, [0, 1, 4, 0x03000000, 0xffffffff]);
    return { label: `version set to ${v}`, edits: [at(4, u32le(v))] };
  },
  'huge-tensor-count': (c) => {
    const n = pick(c.rng, [U64_MAX, 1n << 63n, (1n << 63n) - 1n, 1n << 40n, BigInt(c.h.tensors.length + 1)]);
    return { label: `tensor count set to ${n}`, edits: [at(8, u64le(n))] };
  },
  'huge-kv-count': (c) => {
    const n = pick(c.rng, [U64_MAX, 1n << 63n, (1n << 63n) - 1n, 1n << 40n, BigInt(c.h.kv.length + 1)]);
    return { label: `KV count set to ${n}`, edits: [at(16, u64le(n))] };
  },
  'huge-string-length': (c) => {
    const strings = [
      ...c.h.kvSpans.map((s, i) => ({ offset: s.start, what: `key '${c.h.kv[i]!.key}'` })),
      ...c.h.kvSpans
        .filter((_, i) => c.h.kv[i]!.value.type === GgufValueType.STRING)
        .map((s) => ({ offset: s.valueAt, what: `value of '${keyAt(c, s.valueAt)}'` })),
      ...c.h.tensorSpans.map((s, i) => ({ offset: s.start, what: `name of tensor '${c.h.tensors[i]!.name}'` })),
    ];
    const s = pick(c.rng, strings);
    const n = pick(c.rng, [U64_MAX, 1n << 63n, 1n << 32n, BigInt(c.bytes.byteLength)]);
    return { label: `length of ${s.what} set to ${n}`, edits: [at(s.offset, u64le(n))] };
  },
  'invalid-kv-type': (c) => {
    const i = int(c.rng, 0, c.h.kv.length);
    const span = c.h.kvSpans[i]!;
    const tag = pick(c.rng, [13, 255, 0x80000000, 0xffffffff]);
    if (c.h.kv[i]!.value.type === GgufValueType.ARRAY && c.rng.nextU32() % 2 === 0) {
      const item = pick(c.rng, [tag, GgufValueType.ARRAY]);
      return { label: `array item type of '${c.h.kv[i]!.key}' set to ${item}`, edits: [at(span.valueAt, u32le(item))] };
    }
    return { label: `type tag of '${c.h.kv[i]!.key}' set to ${tag}`, edits: [at(span.typeAt, u32le(tag))] };
  },
  'array-length-overflow': (c) => {
    const arrays = c.h.kvSpans.filter((_, i) => c.h.kv[i]!.value.type === GgufValueType.ARRAY);
    const span = pick(c.rng, arrays);
    const key = c.h.kv[c.h.kvSpans.indexOf(span)]!.key;
    // 2^61+1 elements of 8 bytes overflow a 64-bit byte count; the others exceed any file.
    const n = pick(c.rng, [U64_MAX, 1n << 63n, (1n << 61n) + 1n, 1n << 62n, 1n << 40n]);
    return { label: `length of array '${key}' set to ${n}`, edits: [at(span.valueAt + 4, u64le(n))] };
  },
  'tensor-n-dims': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const n = pick(c.rng, [5, 64, 0x80000000, 0xffffffff]);
    return { label: `n_dims of tensor '${c.h.tensors[i]!.name}' set to ${n}`, edits: [at(c.h.tensorSpans[i]!.nDimsAt, u32le(n))] };
  },
  'tensor-dims': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const t = c.h.tensors[i]!;
    const d = int(c.rng, 0, t.dims.length);
    const v = pick(c.rng, [0n, -1n, 1n << 62n, 1n << 40n, (1n << 31n) + 1n, BigInt(t.dims[d]! + 1)]);
    return {
      label: `dim ${d} of tensor '${t.name}' set to ${BigInt.asIntN(64, v)} (was ${t.dims[d]})`,
      edits: [at(c.h.tensorSpans[i]!.dimsAt + 8 * d, u64le(v))],
    };
  },
  'tensor-type': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const t = c.h.tensors[i]!;
    // 4, 5, 31 and 36 are retired ggml types; Q8_0/F16 are real but no longer match the data size.
    const candidates = [4, 5, 31, 36, 255, 1000, 0xffffffff, GgmlType.Q8_0, GgmlType.F16, GgmlType.F32];
    const type = pick(c.rng, candidates.filter((x) => x !== t.type));
    return { label: `ggml type of tensor '${t.name}' set to ${type} (was ${t.type})`, edits: [at(c.h.tensorSpans[i]!.typeAt, u32le(type))] };
  },
  'tensor-offset-beyond-file': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const v = pick(c.rng, [BigInt(c.bytes.byteLength), 1n << 62n, U64_MAX]);
    return { label: `data offset of tensor '${c.h.tensors[i]!.name}' set to ${hex(v)}`, edits: [at(c.h.tensorSpans[i]!.offsetAt, u64le(v))] };
  },
  'tensor-offset-misaligned': (c) => {
    const i = int(c.rng, 0, c.h.tensors.length);
    const v = c.h.tensors[i]!.offset + BigInt(int(c.rng, 1, c.h.alignment));
    return { label: `data offset of tensor '${c.h.tensors[i]!.name}' misaligned to ${v}`, edits: [at(c.h.tensorSpans[i]!.offsetAt, u64le(v))] };
  },
  'tensor-overlap': (c) => {
    const i = int(c.rng, 1, c.h.tensors.length);
    const prev = c.h.tensors[i - 1]!;
    return {
      label: `tensor '${c.h.tensors[i]!.name}' made to overlap '${prev.name}' (offset ${prev.offset})`,
      edits: [at(c.h.tensorSpans[i]!.offsetAt, u64le(prev.offset))],
    };
  },
  'duplicate-key': (c) => {
    const i = int(c.rng, 0, c.h.kv.length);
    const span = c.h.kvSpans[i]!;
    return { label: `KV '${c.h.kv[i]!.key}' appears twice`, edits: insertKv(c, c.bytes.slice(span.start, span.end)) };
  },
  'duplicate-tensor-name': (c) => {
    const names = c.h.tensors.map((t) => new TextEncoder().encode(t.name));
    const pairs: [number, number][] = [];
    names.forEach((a, i) => names.forEach((b, j) => i < j && a.byteLength === b.byteLength && pairs.push([i, j])));
    const [i, j] = pick(c.rng, pairs);
    return {
      label: `tensor '${c.h.tensors[j]!.name}' renamed to '${c.h.tensors[i]!.name}' (duplicate name)`,
      edits: [at(c.h.tensorSpans[j]!.start + 8, names[i]!)],
    };
  },
  'bad-alignment': (c) => {
    const entry: GgufKv = pick(c.rng, [
      { key: 'general.alignment', value: gguf.u32(0) },
      { key: 'general.alignment', value: gguf.u32(3) },
      { key: 'general.alignment', value: gguf.u32(48) },
      { key: 'general.alignment', value: gguf.i32(32) },
      { key: 'general.alignment', value: gguf.str('32') },
    ]);
    return { label: `general.alignment added as ${GgufValueType[entry.value.type]} ${String(entry.value.value)}`, edits: insertKv(c, encodeKvEntry(entry)) };
  },
  'byte-flips': (c) => {
    const n = int(c.rng, 1, 9);
    const flips = new Map<number, number>();
    while (flips.size < n) flips.set(int(c.rng, 0, c.h.dataOffset), 1 << int(c.rng, 0, 8));
    const edits = [...flips].map(([o, bit]) => at(o, Uint8Array.of(c.bytes[o]! ^ bit)));
    return { label: `bits flipped in the metadata at ${[...flips.keys()].sort((a, b) => a - b).join(', ')}`, edits, mustReject: false };
  },
};

/**
 * Applies one deterministic structural mutation to a valid GGUF file.
 * `kind` defaults to one chosen from the seed.
 */
export function mutateGguf(bytes: Uint8Array, seed: number, kind?: GgufMutationKind): GgufMutation {
  return mutateParsed(bytes, parseGgufHeader(bytes), seed, kind);
}

function mutateParsed(bytes: Uint8Array, h: GgufHeader, seed: number, kind?: GgufMutationKind): GgufMutation {
  if (h.tensors.length < 2 || !h.kv.some((e) => e.value.type === GgufValueType.ARRAY)) {
    throw new Error('mutations need a GGUF with at least two tensors and one array KV (e.g. a test model)');
  }
  const rng = new Xoshiro128(deriveSeed(seed, 'gguf-mutation'));
  const k = kind ?? pick(rng, GGUF_MUTATION_KINDS);
  const plan = MUTATORS[k]({ bytes, h, rng });
  const edited = new EditedBytes(bytes, plan.edits);
  return {
    kind: k,
    label: `${k}: ${plan.label}`,
    mustReject: plan.mustReject ?? true,
    size: edited.size,
    bytes: () => edited.toBytes(),
    writeTo: (path) => edited.writeTo(path),
  };
}

/**
 * `count` deterministic mutations of the valid GGUF file at `validFilePath`,
 * cycling through every kind in {@link GGUF_MUTATION_KINDS} (so any count of
 * at least 21 covers them all), each with its own seed derived from `seed`.
 */
export function ggufMutations(validFilePath: string, count: number, seed: number): GgufMutation[] {
  const bytes = new Uint8Array(readFileSync(validFilePath));
  const h = parseGgufHeader(bytes);
  return Array.from({ length: count }, (_, i) =>
    mutateParsed(bytes, h, deriveSeed(seed, `mutation-${i}`), GGUF_MUTATION_KINDS[i % GGUF_MUTATION_KINDS.length]),
  );
}
