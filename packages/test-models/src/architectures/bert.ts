import { gguf } from '../gguf-value.js';
import { commonHparams, embedding, kvWidth, linear, norm, perBlock, type ArchitectureSpec } from './architecture.js';

/** `LLAMA_POOLING_TYPE_MEAN` in include/llama.h. */
const POOLING_MEAN = 1;

/**
 * BERT encoder for embeddings (src/models/bert.cpp): token + segment + learned
 * position embeddings, post-norm blocks with biases, non-causal attention, mean
 * pooling. The loader refuses BERT without `tokenizer.ggml.token_type_count`,
 * which the bert-bge vocabulary provides (2).
 */
export const bert: ArchitectureSpec = {
  name: 'bert',
  defaultVocab: 'bert-bge',
  embeddingOnly: true,
  hparams: (s) => [
    ...commonHparams(s),
    ['attention.layer_norm_epsilon', gguf.f32(1e-12)],
    ['attention.causal', gguf.bool(false)],
    ['pooling_type', gguf.u32(POOLING_MEAN)],
  ],
  tensors: (s) => {
    if (s.nTokenTypes <= 0) throw new Error('bert needs a vocabulary with tokenizer.ggml.token_type_count');
    return [
      embedding('token_embd', [s.embeddingLength, s.nVocab]),
      embedding('token_types', [s.embeddingLength, s.nTokenTypes], 0.5, true),
      embedding('position_embd', [s.embeddingLength, s.contextLength], 0.5, true),
      ...norm('token_embd_norm', s.embeddingLength, true),
      ...perBlock(s, (b) => [
        ...linear(`${b}.attn_q`, s.embeddingLength, s.embeddingLength, true),
        ...linear(`${b}.attn_k`, s.embeddingLength, kvWidth(s), true),
        ...linear(`${b}.attn_v`, s.embeddingLength, kvWidth(s), true),
        ...linear(`${b}.attn_output`, s.embeddingLength, s.embeddingLength, true),
        ...norm(`${b}.attn_output_norm`, s.embeddingLength, true),
        ...linear(`${b}.ffn_up`, s.embeddingLength, s.feedForwardLength, true),
        ...linear(`${b}.ffn_down`, s.feedForwardLength, s.embeddingLength, true),
        ...norm(`${b}.layer_output_norm`, s.embeddingLength, true),
      ]),
    ];
  },
};
