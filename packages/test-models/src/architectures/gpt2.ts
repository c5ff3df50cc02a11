import { gguf } from '../gguf-value.js';
import {
  commonHparams,
  embedding,
  feedForward,
  fusedQkvAttention,
  norm,
  perBlock,
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
    ...perBlock(s, (b) => [...fusedQkvAttention(s, b, true, true), ...feedForward(s, b, { bias: true, gate: false })]),
  ],
};
