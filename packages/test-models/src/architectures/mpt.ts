import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embeddingAndHead,
  feedForward,
  fusedQkvAttention,
  perBlock,
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
    ...embeddingAndHead(s, false),
    ...perBlock(s, (b) => [
      ...fusedQkvAttention(s, b, false, false),
      ...feedForward(s, b, { bias: false, gate: false }),
    ]),
  ],
};
