import type { Model } from '@gpt4all/chat';

/**
 * Whether a model is an embedding model (BERT, Nomic Embed, ...) rather than a generative one:
 * its catalog entry says so, or its GGUF metadata gives it a pooling type or non-causal
 * attention, which llama.cpp's embedding architectures have and generative ones lack.
 */
export function isEmbeddingModel(model: Model): boolean {
  if (model.catalogEntry?.embeddingModel === true) return true;
  const { architecture, metadata } = model.info;
  const pooling = metadata[`${architecture}.pooling_type`];
  return (typeof pooling === 'number' && pooling > 0) || metadata[`${architecture}.attention.causal`] === false;
}
