import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embeddingAndHead,
  feedForward,
  fusedQkvAttention,
  headSize,
  perBlock,
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
    ...embeddingAndHead(s, false),
    ...perBlock(s, (b) => [
      ...fusedQkvAttention(s, b, false, false),
      ...feedForward(s, b, { bias: false, gate: false, upWidth: 2 * s.feedForwardLength }),
    ]),
  ],
};
