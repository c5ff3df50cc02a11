import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embeddingAndHead,
  feedForward,
  perBlock,
  splitQkvAttention,
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
    ...embeddingAndHead(s, false),
    ...perBlock(s, (b) => [...splitQkvAttention(s, b, true), ...feedForward(s, b, { bias: false, gate: true })]),
  ],
};
