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
 * StarCoder v1 (src/models/starcoder.cpp): the GPT-2 layout (learned positions,
 * biased layer norms and projections) with multi-query/grouped KV heads.
 * The vendored starcoder vocabulary declares `starcoder2`, but its tokenizer
 * keys are what this architecture's models ship with.
 */
export const starcoder: ArchitectureSpec = {
  name: 'starcoder',
  defaultVocab: 'starcoder',
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
