import { readGgufHeader } from '@gpt4all/core';

/** What `GET /api/models` shows of a model file without loading it. */
export interface GgufSummary {
  /** `general.architecture` (`llama`, `qwen2`...), null when the header cannot be read. */
  architecture: string | null;
  /** `<architecture>.context_length`: the context it was trained with, tokens; null when unknown. */
  trainedContextSize: number | null;
}

/**
 * Reads a GGUF file's architecture and trained context length from its header (a prefix of the
 * file, never the weights), remembered per path until the file's size or time changes: the
 * model list is asked for often and its files rarely change.
 */
export class GgufSummaries {
  #cache = new Map<string, { stamp: string; summary: GgufSummary }>();

  /** The summary of `path`, whose `size` (bytes) and `modifiedAt` say whether a remembered one still holds. */
  of(path: string, size: number, modifiedAt: Date): GgufSummary {
    const stamp = `${size}:${modifiedAt.getTime()}`;
    const cached = this.#cache.get(path);
    if (cached?.stamp === stamp) return cached.summary;
    const summary = read(path);
    this.#cache.set(path, { stamp, summary });
    return summary;
  }
}

function read(path: string): GgufSummary {
  try {
    const { metadata } = readGgufHeader(path);
    const architecture = metadata['general.architecture'];
    if (typeof architecture !== 'string') return { architecture: null, trainedContextSize: null };
    const length = metadata[`${architecture}.context_length`];
    const trained = typeof length === 'number' || typeof length === 'bigint' ? Number(length) : null;
    return { architecture, trainedContextSize: trained };
  } catch {
    // A file that is not (yet) a readable GGUF is still listed, with nothing known of it.
    return { architecture: null, trainedContextSize: null };
  }
}
