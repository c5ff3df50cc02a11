import type { LegacyGgmlFormat } from '@gpt4all/core';
import { closeSync, openSync, readSync } from 'node:fs';

/** What an old GGML file holds, as far as choosing a converter needs. */
export interface LegacyGgmlModel extends LegacyGgmlFormat {
  /** The model family by its tensor names: `llama` (`tok_embeddings.weight`, `layers.N.…`) or `other`. */
  family: 'llama' | 'other';
  /** The first tensor's name, when the header could be followed that far. */
  firstTensor: string | undefined;
}

/** Enough for the header, hyperparameters and a 50k-token vocabulary. */
const READ_BYTES = 4 << 20;

/**
 * Reads the start of an old GGML file (`format` from `readLegacyGgmlFormat`) up to its first
 * tensor's name. The LLaMA layout (llama.cpp's loader before GGUF, and ggml's GPT-J example,
 * which share it): magic, a version (not in `ggml`), seven u32 hyperparameters with the
 * vocabulary size first, then each token as a u32 length and its bytes (plus a f32 score except
 * in `ggml`), then each tensor as u32 dimension count, name length and type, its dimensions and
 * its name. Files of other layouts (GPT4All's MPT and Replit files have other hyperparameters)
 * do not parse to a plausible name: `family` is then `other` with no `firstTensor`.
 */
export function readLegacyGgmlModel(path: string, format: LegacyGgmlFormat): LegacyGgmlModel {
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    bytes = Buffer.alloc(READ_BYTES);
    bytes = bytes.subarray(0, readSync(fd, bytes, 0, READ_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  const firstTensor = firstTensorName(bytes, format);
  const family = firstTensor !== undefined && /^(tok_embeddings\.|layers\.\d+\.)/.test(firstTensor) ? 'llama' : 'other';
  return { ...format, family, firstTensor };
}

function firstTensorName(bytes: Buffer, { format }: LegacyGgmlFormat): string | undefined {
  let at = format === 'ggml' ? 4 : 8;
  const u32 = (): number => {
    if (at + 4 > bytes.length) throw new RangeError('past the bytes read');
    const value = bytes.readUInt32LE(at);
    at += 4;
    return value;
  };
  try {
    const nVocab = u32();
    at += 6 * 4;
    if (nVocab === 0 || nVocab > 1_000_000) return undefined;
    for (let i = 0; i < nVocab; i++) {
      const length = u32();
      if (length > 1024) return undefined;
      at += length + (format === 'ggml' ? 0 : 4);
    }
    const nDims = u32();
    const nameLength = u32();
    u32(); // the tensor's type
    if (nDims < 1 || nDims > 4 || nameLength < 1 || nameLength > 256) return undefined;
    at += nDims * 4;
    if (at + nameLength > bytes.length) return undefined;
    const name = bytes.toString('latin1', at, at + nameLength);
    return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
