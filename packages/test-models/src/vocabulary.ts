import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseGgufHeader } from './gguf-reader.js';
import { GgufValueType, type GgufKv } from './gguf-types.js';
import { llamaCppDir } from './vendor-paths.js';

/** A tokenizer imported from a vocab-only GGUF file. */
export interface Vocabulary {
  /** Short name, e.g. `llama-spm` (the file name for paths outside the vendor dir). */
  name: string;
  path: string;
  /** All `tokenizer.*` keys, in file order. */
  tokenizerKv: GgufKv[];
  /** Length of `tokenizer.ggml.tokens`. */
  nVocab: number;
  /** `tokenizer.ggml.token_type_count`, or 0. */
  nTokenTypes: number;
  /** SHA-256 of the file, so caches notice a re-vendored vocabulary. */
  sha256: string;
}

const PREFIX = 'ggml-vocab-';

/** Names of the vocabularies shipped in vendor/llama.cpp/models. */
export function listVendoredVocabularies(): string[] {
  return readdirSync(join(llamaCppDir(), 'models'))
    .filter((f) => f.startsWith(PREFIX) && f.endsWith('.gguf'))
    .map((f) => f.slice(PREFIX.length, -'.gguf'.length))
    .sort();
}

/** Resolves a vocabulary name (`llama-spm`) or a path to a GGUF file path. */
export function vocabularyPath(nameOrPath: string): string {
  if (nameOrPath.endsWith('.gguf') || nameOrPath.includes('/') || nameOrPath.includes('\\')) return nameOrPath;
  const path = join(llamaCppDir(), 'models', `${PREFIX}${nameOrPath}.gguf`);
  if (!existsSync(path)) {
    throw new Error(`unknown vocabulary '${nameOrPath}'; vendored: ${listVendoredVocabularies().join(', ')}`);
  }
  return path;
}

/** Reads a vocab-only (or any) GGUF file and keeps its tokenizer. */
export function loadVocabulary(nameOrPath: string): Vocabulary {
  const path = vocabularyPath(nameOrPath);
  const bytes = readFileSync(path);
  const header = parseGgufHeader(bytes);
  const tokenizerKv = header.kv.filter((e) => e.key.startsWith('tokenizer.'));
  const tokens = tokenizerKv.find((e) => e.key === 'tokenizer.ggml.tokens')?.value;
  if (!tokens || tokens.type !== GgufValueType.ARRAY) throw new Error(`${path} has no tokenizer.ggml.tokens array`);
  const ttc = tokenizerKv.find((e) => e.key === 'tokenizer.ggml.token_type_count')?.value.value;
  const file = basename(path, '.gguf');
  return {
    name: file.startsWith(PREFIX) ? file.slice(PREFIX.length) : file,
    path,
    tokenizerKv,
    nVocab: tokens.value.length,
    nTokenTypes: typeof ttc === 'number' ? ttc : 0,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
