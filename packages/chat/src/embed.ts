import type { Model as EngineModel } from '@gpt4all/core';
import { findEmbeddingSpec, type EmbeddingModelSpec } from './embedding-models.js';
import { ChatError, invalidArgument } from './errors/chat-error.js';
import type { Model } from './model.js';

/** Options of `model.embed()`. */
export interface EmbedOptions {
  /**
   * Task prefix. For Nomic models: `'search_document'` (default), `'search_query'`, `'clustering'`
   * or `'classification'`; the text is embedded as `"<prefix>: <text>"`. Models this package does
   * not know need it explicitly (`''` for none), as GPT4All requires; `null` takes the model's
   * default where this package knows the model, and none where it does not (what APIs without a
   * prefix, like OpenAI's, want).
   */
  prefix?: string | null;
  /**
   * Length of the vectors: the first `dimensionality` components of the full vector, scaled back
   * to unit length (Matryoshka). Default: the model's embedding length.
   */
  dimensionality?: number;
  /**
   * A text longer than the context: `'mean'` (default) embeds it in overlapping chunks and averages
   * them, `'truncate'` embeds its beginning only.
   */
  longText?: 'mean' | 'truncate';
  signal?: AbortSignal;
}

// Consecutive chunks of a long text share this many tokens, so no sentence is only ever seen cut.
const CHUNK_OVERLAP = 8;
// Chunks per engine call: bounds memory and lets an abort land between calls.
const CHUNKS_PER_CALL = 64;

/** Embeds texts into unit vectors; see {@link EmbedOptions}. */
export async function embed(model: Model, texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
  const engine = model.engine;
  const spec = findEmbeddingSpec(engine.info.name, engine.info.path);
  const prefix = resolvePrefix(spec, options.prefix, model.displayName);
  const dimensions = resolveDimensionality(spec, options.dimensionality, engine.info.embeddingLength, model.displayName);
  const longText = options.longText ?? 'mean';
  if (longText !== 'mean' && longText !== 'truncate') throw invalidArgument(`longText must be 'mean' or 'truncate', got ${JSON.stringify(longText)}`);
  if (texts.length === 0) return [];

  const frame = specialFrame(engine);
  const prefixTokens = prefix === '' ? [] : engine.tokenize(`${prefix}:`);
  const chunks: { text: number; tokens: number[] }[] = [];
  texts.forEach((text, index) => {
    const { lead, body } = tokenizeWithPrefix(engine, text, prefix, prefixTokens);
    const room = engine.embeddingContextSize - frame.head.length - frame.tail.length - lead.length;
    if (room <= 2 * CHUNK_OVERLAP) throw invalidArgument(`the prefix leaves no room for text in a ${engine.embeddingContextSize}-token context`);
    for (const piece of split(body, room, longText)) chunks.push({ text: index, tokens: [...frame.head, ...lead, ...piece, ...frame.tail] });
  });

  const sums = texts.map(() => new Float64Array(engine.info.embeddingLength));
  for (let start = 0; start < chunks.length; start += CHUNKS_PER_CALL) {
    const batch = chunks.slice(start, start + CHUNKS_PER_CALL);
    const vectors = await engine.embedTokens(batch.map((chunk) => chunk.tokens), { normalize: false, signal: options.signal });
    batch.forEach((chunk, i) => addUnit(sums[chunk.text]!, spec?.matryoshka ? layerNorm(vectors[i]!) : vectors[i]!));
  }
  // The full-length mean is computed first and truncated last, so that a shorter vector is always
  // the renormalised beginning of the full one.
  return sums.map((sum) => unit(sum.subarray(0, dimensions)));
}

function resolvePrefix(spec: EmbeddingModelSpec | undefined, given: string | null | undefined, name: string): string {
  if (given !== undefined && given !== null && typeof given !== 'string') throw invalidArgument('prefix must be a string or null');
  const prefix = given === null ? (spec ? undefined : '') : given;
  if (!spec) {
    if (prefix === undefined) {
      throw new ChatError(
        'ERR_EMBEDDING_PREFIX_REQUIRED',
        `${name} is not an embedding model GPT4All knows, so its task prefix is unknown: pass \`prefix\` ('' for none)`,
      );
    }
    return prefix;
  }
  const chosen = prefix ?? spec.tasks[0] ?? '';
  const allowed = spec.tasks.length > 0 ? spec.tasks : [''];
  if (!allowed.includes(chosen)) {
    const list = spec.tasks.length > 0 ? spec.tasks.map((t) => `'${t}'`).join(', ') : "none (use '' or leave it out)";
    throw invalidArgument(`'${chosen}' is not a task prefix of ${spec.family}; valid prefixes: ${list}`);
  }
  return chosen;
}

function resolveDimensionality(spec: EmbeddingModelSpec | undefined, requested: number | undefined, length: number, name: string): number {
  if (requested === undefined) return length;
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > length) {
    throw invalidArgument(`dimensionality must be an integer from 1 to ${length} (the embedding length of ${name}), got ${String(requested)}`);
  }
  if (spec && !spec.matryoshka && requested !== length) {
    throw invalidArgument(`${spec.family} was not trained for shorter vectors: dimensionality must be ${length}`);
  }
  return requested;
}

/** The special tokens the model puts around a sequence (BOS; CLS … SEP for BERT). */
function specialFrame(engine: EngineModel): { head: number[]; tail: number[] } {
  const plain = engine.tokenize('hello');
  const framed = engine.tokenize('hello', { addSpecial: true });
  for (let at = 0; at + plain.length <= framed.length; at++) {
    if (plain.every((token, i) => framed[at + i] === token)) return { head: framed.slice(0, at), tail: framed.slice(at + plain.length) };
  }
  return { head: [], tail: [] };
}

/**
 * Tokenizes `"<prefix>: <text>"` and splits off the prefix's tokens, so every chunk of a long text
 * can start with them. Tokenizing the whole string keeps the text's first token as it would be in
 * context (a space-prefixed word).
 */
function tokenizeWithPrefix(engine: EngineModel, text: string, prefix: string, prefixTokens: number[]): { lead: number[]; body: number[] } {
  if (prefix === '') return { lead: [], body: engine.tokenize(text) };
  const whole = engine.tokenize(`${prefix}: ${text}`);
  const aligned = prefixTokens.every((token, i) => whole[i] === token);
  // Should the tokenizer merge across the colon, the prefix then only opens the first chunk.
  return aligned ? { lead: prefixTokens, body: whole.slice(prefixTokens.length) } : { lead: [], body: whole };
}

function split(tokens: number[], room: number, longText: 'mean' | 'truncate'): number[][] {
  if (tokens.length <= room) return [tokens];
  if (longText === 'truncate') return [tokens.slice(0, room)];
  const pieces: number[][] = [];
  for (let start = 0; ; start += room - CHUNK_OVERLAP) {
    pieces.push(tokens.slice(start, start + room));
    if (start + room >= tokens.length) return pieces;
  }
}

/** Nomic v1.5's layer norm, applied before Matryoshka truncation (as GPT4All does). */
function layerNorm(vector: Float32Array): Float64Array {
  const n = vector.length;
  const mean = vector.reduce((sum, x) => sum + x, 0) / n;
  const centred = Float64Array.from(vector, (x) => x - mean);
  const variance = centred.reduce((sum, x) => sum + x * x, 0) / (n - 1);
  const scale = 1 / Math.sqrt(variance + 1e-5);
  return centred.map((x) => x * scale);
}

function addUnit(sum: Float64Array, vector: ArrayLike<number>): void {
  const scale = 1 / Math.max(norm(vector), 1e-12);
  for (let i = 0; i < sum.length; i++) sum[i]! += vector[i]! * scale;
}

function unit(vector: Float64Array): Float32Array {
  const scale = 1 / Math.max(norm(vector), 1e-12);
  return Float32Array.from(vector, (x) => x * scale);
}

function norm(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}
