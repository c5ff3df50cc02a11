/** Transformer dimensions of a test model (vocabulary size comes from the vocab file). */
export interface ModelDims {
  /** n_embd: width of the residual stream. */
  embeddingLength: number;
  /** n_layer. */
  blockCount: number;
  /** n_head; must divide embeddingLength. */
  headCount: number;
  /** n_head_kv; must divide headCount (equal to headCount means no GQA). */
  headCountKv: number;
  /** n_ff: hidden width of the feed-forward block. */
  feedForwardLength: number;
  /** n_ctx_train: also the number of rows of learned position embeddings. */
  contextLength: number;
}

/** Names of the built-in size presets. */
export type SizePreset = 'tiny' | 'bench';

/**
 * Built-in sizes.
 * - `tiny`: 2 layers of width 64 with GQA (4 heads, 2 KV heads). The file is
 *   dominated by the vocabulary embedding; loads in milliseconds. All widths are
 *   multiples of 32 so the model can also be quantised to Q4_0/Q8_0.
 * - `bench`: the shape of TinyLlama 1.1B (use with the llama-spm vocab of 32000
 *   tokens), about 2.2 GB in F16.
 */
export const SIZE_PRESETS: Readonly<Record<SizePreset, Readonly<ModelDims>>> = {
  tiny: {
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    headCountKv: 2,
    feedForwardLength: 128,
    contextLength: 2048,
  },
  bench: {
    embeddingLength: 2048,
    blockCount: 22,
    headCount: 32,
    headCountKv: 4,
    feedForwardLength: 5632,
    contextLength: 2048,
  },
};

/** Resolves a preset name or explicit dims, checking that the dims are coherent. */
export function resolveDims(size: SizePreset | ModelDims): ModelDims {
  const dims = typeof size === 'string' ? SIZE_PRESETS[size] : size;
  if (!dims) throw new RangeError(`unknown size preset '${String(size)}'`);
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  if (dims.embeddingLength % dims.headCount !== 0) {
    throw new RangeError(`embeddingLength ${dims.embeddingLength} is not a multiple of headCount ${dims.headCount}`);
  }
  if (dims.headCount % dims.headCountKv !== 0) {
    throw new RangeError(`headCount ${dims.headCount} is not a multiple of headCountKv ${dims.headCountKv}`);
  }
  if ((dims.embeddingLength / dims.headCount) % 2 !== 0) {
    throw new RangeError('the head size must be even (RoPE rotates pairs of dimensions)');
  }
  return { ...dims };
}
