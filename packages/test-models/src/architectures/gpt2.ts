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
 * GPT-2 (src/models/gpt2.cpp): learned position embeddings, layer norm with
 * bias everywhere, fused QKV with bias, GELU feed-forward with biases.
 */
export const gpt2: ArchitectureSpec = {
  name: 'gpt2',
  defaultVocab: 'gpt-2',
  embeddingOnly: false,
  hparams: (s) => [...commonHparams(s), ['attention.layer_norm_epsilon', gguf.f32(1e-5)]],
  tensors: (s) => [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    embedding('position_embd', [s.embeddingLength, s.contextLength], 0.5, true),
    ...norm('output_norm', s.embeddingLength, true),
    weight('output', [s.embeddingLength, s.nVocab]),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, true),
      ...linear(`${b}.attn_qkv`, s.embeddingLength, s.embeddingLength + 2 * kvWidth(s), true),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, true, residualGain(s)),
      ...norm(`${b}.ffn_norm`, s.embeddingLength, true),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, true, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, true),
    ]),
  ],
};
