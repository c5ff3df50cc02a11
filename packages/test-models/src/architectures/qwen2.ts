import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embedding,
  kvWidth,
  linear,
  norm,
  perBlock,
  residualGain,
  weight,
  type ArchitectureSpec,
} from './architecture.js';

/**
 * Qwen2 (src/models/qwen2.cpp): LLaMA-like, but with biases on the Q/K/V
 * projections (and none on the output projection), RoPE base 1e6, eps 1e-6.
 */
export const qwen2: ArchitectureSpec = {
  name: 'qwen2',
  defaultVocab: 'qwen2',
  embeddingOnly: false,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_rms_epsilon', gguf.f32(1e-6)],
    ['rope.freq_base', gguf.f32(1_000_000)],
  ],
  tensors: (s) => [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, false),
    weight('output', [s.embeddingLength, s.nVocab]),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, false),
      ...linear(`${b}.attn_q`, s.embeddingLength, s.embeddingLength, true),
      ...linear(`${b}.attn_k`, s.embeddingLength, kvWidth(s), true),
      ...linear(`${b}.attn_v`, s.embeddingLength, kvWidth(s), true),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
      ...norm(`${b}.ffn_norm`, s.embeddingLength, false),
      ...linear(`${b}.ffn_gate`, s.embeddingLength, s.feedForwardLength, false),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, false),
    ]),
  ],
};
