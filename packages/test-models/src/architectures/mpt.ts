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
 * MPT (src/models/mpt.cpp): ALiBi instead of position embeddings (enabled by
 * `attention.max_alibi_bias`), bias-free layer norms and projections, fused QKV.
 */
export const mpt: ArchitectureSpec = {
  name: 'mpt',
  defaultVocab: 'mpt',
  embeddingOnly: false,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_epsilon', gguf.f32(1e-5)],
    ['attention.max_alibi_bias', gguf.f32(8)],
  ],
  tensors: (s) => [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, false),
    weight('output', [s.embeddingLength, s.nVocab]),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, false),
      ...linear(`${b}.attn_qkv`, s.embeddingLength, s.embeddingLength + 2 * kvWidth(s), false),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
      ...norm(`${b}.ffn_norm`, s.embeddingLength, false),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, false),
    ]),
  ],
};
