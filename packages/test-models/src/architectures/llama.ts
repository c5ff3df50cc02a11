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
 * LLaMA (src/models/llama.cpp): RMS norm, RoPE over the whole head, separate
 * Q/K/V projections with GQA, SwiGLU feed-forward, untied output head.
 */
export const llama: ArchitectureSpec = {
  name: 'llama',
  defaultVocab: 'llama-spm',
  embeddingOnly: false,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_rms_epsilon', gguf.f32(1e-5)],
    // The loader insists that n_rot equals the head size for llama.
    ['rope.dimension_count', gguf.u32(headSize(s))],
    ['rope.freq_base', gguf.f32(10000)],
    ['vocab_size', gguf.u32(s.nVocab)],
  ],
  tensors: (s) => [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, false),
    weight('output', [s.embeddingLength, s.nVocab]),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, false),
      ...linear(`${b}.attn_q`, s.embeddingLength, s.embeddingLength, false),
      ...linear(`${b}.attn_k`, s.embeddingLength, kvWidth(s), false),
      ...linear(`${b}.attn_v`, s.embeddingLength, kvWidth(s), false),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
      ...norm(`${b}.ffn_norm`, s.embeddingLength, false),
      ...linear(`${b}.ffn_gate`, s.embeddingLength, s.feedForwardLength, false),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, false),
    ]),
  ],
};
