import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embeddingAndHead,
  feedForward,
  headSize,
  perBlock,
  splitQkvAttention,
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
    ...embeddingAndHead(s, false),
    ...perBlock(s, (b) => [...splitQkvAttention(s, b, false), ...feedForward(s, b, { bias: false, gate: true })]),
  ],
};
