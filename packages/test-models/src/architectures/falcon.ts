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
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, true),
    weight('output', [s.embeddingLength, s.nVocab]),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, true),
      ...linear(`${b}.attn_qkv`, s.embeddingLength, s.embeddingLength + 2 * kvWidth(s), false),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, false),
    ]),
  ],
};
