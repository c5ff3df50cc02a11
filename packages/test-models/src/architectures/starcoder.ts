import type { ArchitectureSpec } from './architecture.js';
import { gpt2 } from './gpt2.js';

/**
 * StarCoder v1 (src/models/starcoder.cpp): the GPT-2 layout (learned positions, biased layer
 * norms and projections); its grouped KV heads come from the shape's `headCountKv`, which the
 * shared layout already sizes the fused QKV projection by. The vendored starcoder vocabulary
 * declares `starcoder2`, but its tokenizer keys are what this architecture's models ship with.
 */
export const starcoder: ArchitectureSpec = { ...gpt2, name: 'starcoder', defaultVocab: 'starcoder' };
