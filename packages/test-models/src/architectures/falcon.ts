import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embeddingAndHead,
  fusedQkvAttention,
  linear,
  perBlock,
  residualGain,
  type ArchitectureSpec,
} from './architecture.js';

/**
 * Falcon 7B style (src/models/falcon.cpp): one biased layer norm feeding
 * attention and feed-forward in parallel, fused QKV without bias, NeoX RoPE
 * over the whole head (the loader rejects any other rope dimension count).
 */
export const falcon: ArchitectureSpec = {
  name: 'falcon',
  defaultVocab: 'falcon',
  embeddingOnly: false,
  hparams: (s) => [...commonHparams(s), ['attention.layer_norm_epsilon', gguf.f32(1e-5)]],
  tensors: (s) => [
    ...embeddingAndHead(s, true),
    ...perBlock(s, (b) => [
      ...fusedQkvAttention(s, b, true, false),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, false),
    ]),
  ],
};
