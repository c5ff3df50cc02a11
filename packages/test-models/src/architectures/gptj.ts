import { gguf } from '../gguf-value.js';
import { bias, commonHparams, embedding, headSize, kvWidth, linear, norm, perBlock, residualGain, weight, type ArchitectureSpec } from './architecture.js';

/**
 * GPT-J (src/models/gptj.cpp, added by vendor/patches): one layer norm per block feeding attention
 * and the feed-forward in parallel; separate bias-free Q/K/V and output projections; feed-forward
 * and output head with biases; rotary embedding on the first half of each head (`rotary_dim`,
 * 64 of 256 in GPT-J 6B), so that the unrotated part is exercised too.
 */
export const gptj: ArchitectureSpec = {
  name: 'gptj',
  defaultVocab: 'gpt-2',
  embeddingOnly: false,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_epsilon', gguf.f32(1e-5)],
    ['rope.dimension_count', gguf.u32(headSize(s) / 2)],
  ],
  tensors: (s) => [
    embedding('token_embd', [s.embeddingLength, s.nVocab]),
    ...norm('output_norm', s.embeddingLength, true),
    weight('output', [s.embeddingLength, s.nVocab]),
    bias('output', s.nVocab),
    ...perBlock(s, (b) => [
      ...norm(`${b}.attn_norm`, s.embeddingLength, true),
      ...linear(`${b}.attn_q`, s.embeddingLength, s.embeddingLength, false),
      ...linear(`${b}.attn_k`, s.embeddingLength, kvWidth(s), false),
      ...linear(`${b}.attn_v`, s.embeddingLength, kvWidth(s), false),
      ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, false, residualGain(s)),
      ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, true, residualGain(s)),
      ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, true),
    ]),
  ],
};
