import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embedding,
  headSize,
  kvWidth,
  linear,
  norm,
  perBlock,
  residualGain,
  weight,
  type ArchitectureSpec,
} from './architecture.js';

/**
 * Phi-3 (src/models/phi3.cpp): RMS norm, fused QKV projection, and a fused
 * gate+up projection of width 2*n_ff (SwiGLU split inside the graph).
 */
export const phi3: ArchitectureSpec = {
  name: 'phi3',
  defaultVocab: 'phi-3',
  embeddingOnly: false,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_rms_epsilon', gguf.f32(1e-5)],
    ['rope.dimension_count', gguf.u32(headSize(s))],
    ['rope.freq_base', gguf.f32(10000)],
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
      ...linear(`${b}.ffn_up`, s.embeddingLength, 2 * s.feedForwardLength, false),
    ]),
  ],
};
