// Edge values for the numeric metadata of a GGUF model: every integer or float key the file
// holds (and every numeric array), set to the values a hostile or broken converter could write,
// plus keys the file lacks but llama.cpp reads, where their appearing changes what it does.
import { GgufValueType, gguf, setKv, type GgufArrayItem, type GgufHeader, type GgufKv, type GgufValue } from '@gpt4all/test-models';

/** One edited copy of a model's key/value section. */
export interface MetadataEdgeCase {
  /** What was set, e.g. `llama.block_count = 513 (UINT32; LLAMA_MAX_LAYERS is 512)`. */
  label: string;
  /** The key the case is about: a range rule that rejects the file should name it. */
  key: string;
  /**
   * False where the value moves the tensor data (a power-of-two `general.alignment` other than
   * the file's own): the structural check then rightly rejects a misplaced tensor, by its name.
   */
  mustNameKey: boolean;
  /** The whole new key/value section (untouched entries are the header's own objects). */
  kv: GgufKv[];
}

type IntType =
  | GgufValueType.UINT8
  | GgufValueType.INT8
  | GgufValueType.UINT16
  | GgufValueType.INT16
  | GgufValueType.UINT32
  | GgufValueType.INT32
  | GgufValueType.UINT64
  | GgufValueType.INT64;
type FloatType = GgufValueType.FLOAT32 | GgufValueType.FLOAT64;

const INT_RANGE: Record<IntType, readonly [bigint, bigint]> = {
  [GgufValueType.UINT8]: [0n, 0xffn],
  [GgufValueType.INT8]: [-0x80n, 0x7fn],
  [GgufValueType.UINT16]: [0n, 0xffffn],
  [GgufValueType.INT16]: [-0x8000n, 0x7fffn],
  [GgufValueType.UINT32]: [0n, 0xffff_ffffn],
  [GgufValueType.INT32]: [-0x8000_0000n, 0x7fff_ffffn],
  [GgufValueType.UINT64]: [0n, 0xffff_ffff_ffff_ffffn],
  [GgufValueType.INT64]: [-0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn],
};
/** The signed type of the same width, in which an unsigned key's -1 is written. */
const SIGNED: Partial<Record<IntType, IntType>> = {
  [GgufValueType.UINT8]: GgufValueType.INT8,
  [GgufValueType.UINT16]: GgufValueType.INT16,
  [GgufValueType.UINT32]: GgufValueType.INT32,
  [GgufValueType.UINT64]: GgufValueType.INT64,
};
const FLOAT_MAX: Record<FloatType, number> = {
  [GgufValueType.FLOAT32]: 3.4028234663852886e38,
  [GgufValueType.FLOAT64]: Number.MAX_VALUE,
};

// From vendor/llama.cpp/src/llama-hparams.h and include/llama.h.
const LLAMA_MAX_LAYERS = 512;
const LLAMA_MAX_EXPERTS = 1024;
const LAST_POOLING_TYPE = 4; // LLAMA_POOLING_TYPE_RANK
// The engine's own ceiling for the sizes it checks before llama.cpp runs (crates/core/src/gguf.rs).
const ENGINE_SIZE_LIMIT = 1 << 24;

const isInt = (t: GgufValueType): t is IntType => t in INT_RANGE;
const isFloat = (t: GgufValueType): t is FloatType => t === GgufValueType.FLOAT32 || t === GgufValueType.FLOAT64;
const typeName = (t: GgufValueType) => GgufValueType[t];

function intItem(type: IntType, v: bigint): number | bigint {
  return type === GgufValueType.UINT64 || type === GgufValueType.INT64 ? v : Number(v);
}

function scalar(type: GgufValueType, v: number | bigint): GgufValue {
  return { type, value: isInt(type) ? intItem(type, BigInt(v)) : Number(v) } as GgufValue;
}

/** A value and how to print it. */
interface Edge {
  item: number | bigint;
  type: GgufValueType;
  text: string;
}

/**
 * 0, 1, the type's maximum (and minimum when signed), -1 (in the signed type of the same width
 * when the type is unsigned), and each of `above` that the type can hold; for floats also NaN,
 * +Inf, -Inf and the largest finite values.
 */
function edgeValues(type: GgufValueType, above: readonly { value: number; why: string }[] = []): Edge[] {
  const edges: Edge[] = [];
  const add = (t: GgufValueType, item: number | bigint, text = String(item)) => {
    if (!edges.some((e) => e.type === t && Object.is(e.item, item))) edges.push({ item, type: t, text });
  };
  if (isInt(type)) {
    const [min, max] = INT_RANGE[type];
    for (const v of [0n, 1n, max, min]) add(type, intItem(type, v));
    const signed = SIGNED[type];
    add(signed ?? type, intItem(signed ?? type, -1n));
    for (const { value, why } of above) {
      if (BigInt(value) >= min && BigInt(value) <= max) add(type, intItem(type, BigInt(value)), `${value} (${why})`);
    }
  } else if (isFloat(type)) {
    for (const v of [0, 1, -1, NaN, Infinity, -Infinity, FLOAT_MAX[type], -FLOAT_MAX[type]]) add(type, v);
  }
  return edges;
}

function numberOf(header: GgufHeader, key: string): number | undefined {
  const v = header.kv.find((e) => e.key === key)?.value;
  return v && (typeof v.value === 'number' || typeof v.value === 'bigint') ? Number(v.value) : undefined;
}

function arrayLength(header: GgufHeader, key: string): number | undefined {
  const v = header.kv.find((e) => e.key === key)?.value;
  return v?.type === GgufValueType.ARRAY ? v.value.length : undefined;
}

/** n_embd / n_head: the head size, also the RoPE dimension count of the test architectures. */
function headSize(header: GgufHeader, arch: string): number {
  return (numberOf(header, `${arch}.embedding_length`) ?? 0) / (numberOf(header, `${arch}.attention.head_count`) ?? 1);
}

/** Documented limits a key's value must stay within; the cases set it just above each. */
function limitsOf(header: GgufHeader, arch: string, key: string): { value: number; why: string }[] {
  const nVocab = arrayLength(header, 'tokenizer.ggml.tokens') ?? 0;
  const heads = numberOf(header, `${arch}.attention.head_count`) ?? 0;
  const suffix = key.startsWith(`${arch}.`) ? key.slice(arch.length + 1) : undefined;
  if (suffix === 'block_count') return [{ value: LLAMA_MAX_LAYERS + 1, why: `LLAMA_MAX_LAYERS is ${LLAMA_MAX_LAYERS}` }];
  if (suffix === 'context_length' || suffix === 'embedding_length' || suffix === 'attention.head_count') {
    return [{ value: ENGINE_SIZE_LIMIT + 1, why: `the engine's limit is ${ENGINE_SIZE_LIMIT}` }];
  }
  if (suffix === 'attention.head_count_kv') return [{ value: heads + 1, why: `more KV heads than the ${heads} heads` }];
  if (suffix === 'rope.dimension_count') {
    return [{ value: headSize(header, arch) + 2, why: `wider than the head size ${headSize(header, arch)}` }];
  }
  if (suffix === 'vocab_size') return [{ value: nVocab + 1, why: `the token list has ${nVocab}` }];
  if (suffix === 'pooling_type') return [{ value: LAST_POOLING_TYPE + 1, why: `the last pooling type is ${LAST_POOLING_TYPE}` }];
  if (/^tokenizer\.ggml\..*token_id$/.test(key)) return [{ value: nVocab, why: `the vocabulary has ${nVocab} tokens` }];
  return [];
}

function isNumericValue(v: GgufValue): boolean {
  if (v.type === GgufValueType.ARRAY) return isInt(v.itemType) || isFloat(v.itemType);
  return isInt(v.type) || isFloat(v.type);
}

/**
 * Every numeric key the file holds, each set to every one of its edge values; except the
 * provenance keys @gpt4all/test-models writes (`gpt4all.test_model.*`), which no real model has
 * and nothing reads.
 */
function presentKeyCases(header: GgufHeader, arch: string): MetadataEdgeCase[] {
  const cases: MetadataEdgeCase[] = [];
  for (const { key, value } of header.kv) {
    if (!isNumericValue(value) || key.startsWith('gpt4all.test_model.')) continue;
    if (value.type === GgufValueType.ARRAY) {
      // Arrays: every element set to one edge value of the element type, and the empty array.
      const n = value.value.length;
      for (const e of edgeValues(value.itemType).filter((e) => e.type === value.itemType)) {
        const filled = gguf.array(value.itemType, new Array<GgufArrayItem>(n).fill(e.item));
        cases.push({ label: `${key} = [${e.text} × ${n}] (${typeName(value.itemType)} array)`, key, mustNameKey: true, kv: setKv(header.kv, key, filled) });
      }
      const empty = gguf.array(value.itemType, []);
      cases.push({ label: `${key} = [] (empty ${typeName(value.itemType)} array)`, key, mustNameKey: true, kv: setKv(header.kv, key, empty) });
      continue;
    }
    for (const e of edgeValues(value.type, limitsOf(header, arch, key))) {
      cases.push({ label: `${key} = ${e.text} (${typeName(e.type)})`, key, mustNameKey: true, kv: setKv(header.kv, key, scalar(e.type, e.item)) });
    }
  }
  return cases;
}

/**
 * Keys the file lacks that llama.cpp's generic loader (llama-model.cpp `load_hparams`) or an
 * architecture's own reads, and whose presence changes what it does: experts, extra heads,
 * RoPE scaling, pooling, alignment. Each with the values that break its invariants.
 */
function absentKeyCases(header: GgufHeader, arch: string): MetadataEdgeCase[] {
  const nVocab = arrayLength(header, 'tokenizer.ggml.tokens') ?? 0;
  const layers = numberOf(header, `${arch}.block_count`) ?? 1;
  const u32max = 0xffff_ffff;
  const added: { set: [string, GgufValue][]; why?: string; movesData?: true }[] = [
    { set: [[`${arch}.expert_count`, gguf.u32(LLAMA_MAX_EXPERTS + 1)]], why: `LLAMA_MAX_EXPERTS is ${LLAMA_MAX_EXPERTS}` },
    { set: [[`${arch}.expert_count`, gguf.u32(u32max)]] },
    { set: [[`${arch}.expert_count`, gguf.u32(2)]], why: 'no expert_used_count' },
    { set: [[`${arch}.expert_used_count`, gguf.u32(2)]], why: 'no expert_count' },
    { set: [[`${arch}.expert_count`, gguf.u32(2)], [`${arch}.expert_used_count`, gguf.u32(4)]], why: 'more used than exist' },
    { set: [[`${arch}.expert_group_count`, gguf.u32(2)]], why: 'no experts' },
    { set: [[`${arch}.nextn_predict_layers`, gguf.u32(layers + 1)]], why: `more than the ${layers} layers` },
    { set: [[`${arch}.attention.key_length`, gguf.u32(0)]] },
    { set: [[`${arch}.attention.key_length`, gguf.u32(u32max)]] },
    { set: [[`${arch}.attention.value_length`, gguf.u32(0)]] },
    { set: [[`${arch}.attention.value_length`, gguf.u32(u32max)]] },
    { set: [[`${arch}.rope.dimension_count`, gguf.u32(0)]] },
    { set: [[`${arch}.rope.dimension_count`, gguf.u32(headSize(header, arch) + 2)]], why: `wider than the head size ${headSize(header, arch)}` },
    ...[0, -1, NaN, Infinity].flatMap((v) => [
      { set: [[`${arch}.rope.freq_base`, gguf.f32(v)]] as [string, GgufValue][] },
      { set: [[`${arch}.rope.scaling.factor`, gguf.f32(v)]] as [string, GgufValue][] },
    ]),
    { set: [[`${arch}.rope.scaling.type`, gguf.str('foo')]], why: 'not a RoPE scaling type' },
    { set: [[`${arch}.rope.scaling.original_context_length`, gguf.u32(0)]] },
    { set: [[`${arch}.pooling_type`, gguf.u32(LAST_POOLING_TYPE + 1)]], why: `the last pooling type is ${LAST_POOLING_TYPE}` },
    { set: [[`${arch}.pooling_type`, gguf.u32(u32max)]] },
    { set: [[`${arch}.attention.sliding_window`, gguf.u32(0)]] },
    { set: [[`${arch}.attention.sliding_window`, gguf.u32(u32max)]] },
    { set: [[`${arch}.attention.clamp_kqv`, gguf.f32(NaN)]] },
    { set: [[`${arch}.attention.clamp_kqv`, gguf.f32(-1)]] },
    { set: [[`${arch}.embedding_length_out`, gguf.u32(0)]] },
    { set: [[`${arch}.embedding_length_out`, gguf.u32(u32max)]] },
    { set: [[`${arch}.vocab_size`, gguf.u32(0)]] },
    { set: [[`${arch}.vocab_size`, gguf.u32(nVocab + 1)]], why: `the token list has ${nVocab}` },
    { set: [['general.alignment', gguf.u32(0)]] },
    { set: [['general.alignment', gguf.u32(1)]], movesData: true },
    { set: [['general.alignment', gguf.u32(3)]] },
    { set: [['general.alignment', gguf.u32(64)]], movesData: true },
    { set: [['general.alignment', gguf.u32(0x8000_0000)]], movesData: true },
    { set: [['general.alignment', gguf.i32(32)]], why: 'signed' },
  ];
  // Per-layer values (llama.cpp accepts an array with one entry per layer for these keys).
  for (const suffix of ['attention.head_count', 'attention.head_count_kv', 'feed_forward_length']) {
    const key = `${arch}.${suffix}`;
    const v = numberOf(header, key);
    if (v === undefined) continue;
    const perLayer = (items: number[]) => gguf.array(GgufValueType.UINT32, items);
    added.push(
      { set: [[key, perLayer([...new Array<number>(layers - 1).fill(v), 0])]], why: 'per layer, the last 0' },
      { set: [[key, perLayer(new Array<number>(layers + 1).fill(v))]], why: `per layer, ${layers + 1} entries for ${layers} layers` },
      { set: [[key, perLayer([])]], why: 'per layer, no entries' },
    );
  }
  const present = new Set(header.kv.map((e) => e.key));
  return added
    .filter(({ set }) => set.every(([key, value]) => !present.has(key) || value.type === GgufValueType.ARRAY))
    .map(({ set, why, movesData }) => ({
      label: `${set.map(([key, value]) => `${key} = ${describe(value)}`).join(', ')}${why ? ` (${why})` : ''}`,
      key: set[set.length - 1]![0],
      mustNameKey: !movesData,
      kv: set.reduce((kv, [key, value]) => setKv(kv, key, value), header.kv),
    }));
}

function describe(value: GgufValue): string {
  if (value.type === GgufValueType.ARRAY) return `[${value.value.join(', ')}] (${typeName(value.itemType)} array)`;
  const shown = typeof value.value === 'string' ? JSON.stringify(value.value) : String(value.value);
  return `${shown} (${typeName(value.type)})`;
}

/** Every edge case of the model whose header is `header`; `arch` is its `general.architecture`. */
export function metadataEdgeCases(header: GgufHeader, arch: string): MetadataEdgeCase[] {
  return [...presentKeyCases(header, arch), ...absentKeyCases(header, arch)];
}
