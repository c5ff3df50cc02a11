import type { GgufValue } from '../gguf-types.js';
import { gguf } from '../gguf-value.js';
import type { ModelDims } from '../model-size.js';
import { fanInStd, type TensorPlan } from '../tensor-init.js';

/** Everything an architecture needs to lay out its keys and tensors. */
export interface ModelShape extends ModelDims {
  /** Number of tokens, from the vocabulary's token list. */
  nVocab: number;
  /** `tokenizer.ggml.token_type_count` of the vocabulary (BERT segment ids), 0 if absent. */
  nTokenTypes: number;
}

/** Description of one llama.cpp architecture, as its loader expects it. */
export interface ArchitectureSpec {
  /** `general.architecture`, and the prefix of the architecture's keys. */
  name: string;
  /** Vocabulary (name under vendor/llama.cpp/models) used when none is given. */
  defaultVocab: string;
  /** True for embedding models: no output head, nothing to generate. */
  embeddingOnly: boolean;
  /** Architecture keys without the `<arch>.` prefix, e.g. `['context_length', gguf.u32(2048)]`. */
  hparams(shape: ModelShape): [string, GgufValue][];
  /** The tensors, in file order. */
  tensors(shape: ModelShape): TensorPlan[];
}

/** Keys every transformer architecture in this package reads. */
export function commonHparams(s: ModelShape): [string, GgufValue][] {
  return [
    ['context_length', gguf.u32(s.contextLength)],
    ['embedding_length', gguf.u32(s.embeddingLength)],
    ['block_count', gguf.u32(s.blockCount)],
    ['feed_forward_length', gguf.u32(s.feedForwardLength)],
    ['attention.head_count', gguf.u32(s.headCount)],
    ['attention.head_count_kv', gguf.u32(s.headCountKv)],
  ];
}

/** Width of the K (and V) projections: head size times KV heads. */
export function kvWidth(s: ModelShape): number {
  return (s.embeddingLength / s.headCount) * s.headCountKv;
}

/** Head size (n_embd / n_head), also the RoPE dimension count of these archs. */
export function headSize(s: ModelShape): number {
  return s.embeddingLength / s.headCount;
}

/**
 * A matmul weight scaled by gain/sqrt(fan_in): with gain 1 a matmul keeps
 * activations at unit scale.
 */
export function weight(name: string, dims: readonly number[], gain = 1): TensorPlan {
  return { name: `${name}.weight`, dims, init: { kind: 'random', std: gain * fanInStd(dims) } };
}

/**
 * Gain of the projections that write into the residual stream of a pre-norm
 * model (attention output, feed-forward down). Without it each of the 2L
 * branches adds unit variance, the stream grows until the current token's
 * embedding is noise, and a deep model (the 22-layer bench shape) falls into
 * repeating one token. 1/sqrt(2L), as in GPT-2's initialisation, keeps the
 * stream at the embedding's scale whatever the depth.
 */
export function residualGain(s: ModelShape): number {
  return 1 / Math.sqrt(2 * s.blockCount);
}

/**
 * A token embedding table. Unit scale (not 1/sqrt(n_embd)) so that the current
 * token stays a strong part of the residual stream next to the attention and
 * feed-forward outputs; otherwise greedy decoding degenerates faster.
 */
export function embedding(name: string, dims: readonly number[], std = 1, forceF32 = false): TensorPlan {
  return { name: `${name}.weight`, dims, init: { kind: 'random', std }, forceF32 };
}

/** Norm gain(s) of 1 and, for layer norm, a small random bias. */
export function norm(name: string, width: number, withBias: boolean): TensorPlan[] {
  const gain: TensorPlan = {
    name: `${name}.weight`,
    dims: [width],
    init: { kind: 'constant', value: 1 },
    forceF32: true,
  };
  return withBias ? [gain, bias(name, width)] : [gain];
}

/** A small random bias: non-zero so that a loader ignoring it would change outputs. */
export function bias(name: string, width: number): TensorPlan {
  return { name: `${name}.bias`, dims: [width], init: { kind: 'random', std: 0.02 }, forceF32: true };
}

/** A matmul weight plus its bias. */
export function linear(name: string, inWidth: number, outWidth: number, withBias: boolean, gain = 1): TensorPlan[] {
  const w = weight(name, [inWidth, outWidth], gain);
  return withBias ? [w, bias(name, outWidth)] : [w];
}

/** Calls `fn` for each block index and concatenates the tensors, in block order. */
export function perBlock(s: ModelShape, fn: (prefix: string) => TensorPlan[]): TensorPlan[] {
  const out: TensorPlan[] = [];
  for (let i = 0; i < s.blockCount; i++) out.push(...fn(`blk.${i}`));
  return out;
}

/** The token embedding, the final norm and the untied output head that most decoders share. */
export function embeddingAndHead(s: ModelShape, normBias: boolean): TensorPlan[] {
  return [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, normBias),
    weight('output', [s.embeddingLength, s.nVocab]),
  ];
}

/** Pre-norm attention through one fused QKV projection: norm, QKV, output projection. */
export function fusedQkvAttention(
  s: ModelShape,
  block: string,
  normBias: boolean,
  projectionBias: boolean,
): TensorPlan[] {
  return [
    ...norm(`${block}.attn_norm`, s.embeddingLength, normBias),
    ...linear(`${block}.attn_qkv`, s.embeddingLength, s.embeddingLength + 2 * kvWidth(s), projectionBias),
    ...linear(`${block}.attn_output`, s.embeddingLength, s.embeddingLength, projectionBias, residualGain(s)),
  ];
}

/** Pre-norm attention through separate Q/K/V projections (biased on Q/K/V only when asked). */
export function splitQkvAttention(s: ModelShape, block: string, qkvBias: boolean): TensorPlan[] {
  return [
    ...norm(`${block}.attn_norm`, s.embeddingLength, false),
    ...linear(`${block}.attn_q`, s.embeddingLength, s.embeddingLength, qkvBias),
    ...linear(`${block}.attn_k`, s.embeddingLength, kvWidth(s), qkvBias),
    ...linear(`${block}.attn_v`, s.embeddingLength, kvWidth(s), qkvBias),
    ...linear(`${block}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
  ];
}

/**
 * Pre-norm feed-forward: norm, optional gate (SwiGLU), down, up. `upWidth` is the up projection's
 * width (twice the feed-forward length when gate and up are fused, as in Phi-3).
 */
export function feedForward(
  s: ModelShape,
  block: string,
  options: { bias: boolean; gate: boolean; upWidth?: number },
): TensorPlan[] {
  return [
    ...norm(`${block}.ffn_norm`, s.embeddingLength, options.bias),
    ...(options.gate ? linear(`${block}.ffn_gate`, s.embeddingLength, s.feedForwardLength, false) : []),
    ...linear(`${block}.ffn_down`, s.feedForwardLength, s.embeddingLength, options.bias, residualGain(s)),
    ...linear(`${block}.ffn_up`, s.embeddingLength, options.upWidth ?? s.feedForwardLength, options.bias),
  ];
}
