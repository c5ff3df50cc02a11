import type { ArchitectureSpec } from './architecture.js';
import { bert } from './bert.js';
import { falcon } from './falcon.js';
import { gpt2 } from './gpt2.js';
import { gptj } from './gptj.js';
import { llama } from './llama.js';
import { mpt } from './mpt.js';
import { phi3 } from './phi3.js';
import { qwen2 } from './qwen2.js';
import { starcoder } from './starcoder.js';

/** The architectures this package can write, keyed by `general.architecture`. */
export const ARCHITECTURES = {
  llama,
  qwen2,
  phi3,
  gpt2,
  gptj,
  mpt,
  falcon,
  starcoder,
  bert,
} as const satisfies Record<string, ArchitectureSpec>;

/** Name of a supported architecture. */
export type ArchitectureName = keyof typeof ARCHITECTURES;

/** Names of all supported architectures, in a stable order. */
export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES) as ArchitectureName[];

/** Looks up an architecture, with a helpful error for unknown names. */
export function getArchitecture(name: string): ArchitectureSpec {
  const spec = (ARCHITECTURES as Record<string, ArchitectureSpec>)[name];
  if (!spec) throw new RangeError(`unknown architecture '${name}'; known: ${ARCHITECTURE_NAMES.join(', ')}`);
  return spec;
}
