import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { quantize } from '@gpt4all/core';
import { GgufValueType, ensureTestModel, findKv, readGgufHeader, type ModelDims, type TestModelOptions } from '@gpt4all/test-models';

/** A model file every engine is run on, with what the harness needs to make random input for it. */
export interface BenchModel {
  /** What the model stands for in the report (`TinyLlama-1.1B shape, Q4_0`). */
  label: string;
  path: string;
  fileBytes: number;
  vocabSize: number;
  /** The token llama-bench puts first (BOS), when the vocabulary adds one. */
  bosToken: number | undefined;
  /** The context length the model was trained with. */
  contextLength: number;
}

/** The TinyLlama 1.1B shape with llama.cpp's real SentencePiece vocabulary (written as F16, then quantised). */
const benchSpec: TestModelOptions = { architecture: 'llama', vocab: 'llama-spm', size: 'bench', seed: 0 };
/** 2 layers of width 64 over a 32,000-token vocabulary: about 4M parameters, so per-token fixed costs dominate. */
const tinySpec: TestModelOptions = { architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 0 };
/** The shape of bge-small-en (33M parameters), a common embedding model. */
const bgeSmallDims: ModelDims = { embeddingLength: 384, blockCount: 12, headCount: 12, headCountKv: 12, feedForwardLength: 1536, contextLength: 512 };

/**
 * The realistic model: TinyLlama's shape in Q4_0. Writing the F16 file and quantising it take
 * about 15 s, so the Q4_0 file is cached next to the F16 one (named after it, so a new generator
 * version makes a new file).
 */
export async function ensureBenchModel(log: (line: string) => void): Promise<BenchModel> {
  const f16 = await ensureTestModel(benchSpec);
  const q4 = f16.replace(/-f16-/, '-q4_0-');
  if (!existsSync(q4)) {
    log(`quantising ${f16} to Q4_0`);
    // A private name first: two harnesses quantising at once must not share quantize's `.part` file.
    const scratch = `${q4}.${process.pid}.tmp`;
    try {
      await quantize(f16, scratch, 'Q4_0');
      renameSync(scratch, q4);
    } finally {
      rmSync(scratch, { force: true });
    }
  }
  return describeModel('TinyLlama-1.1B shape, Q4_0', q4);
}

/** The tiny generative model (F32), for fixed per-token costs. */
export async function ensureTinyModel(): Promise<BenchModel> {
  return describeModel('llama, 4M params, F32', await ensureTestModel(tinySpec));
}

/** A BERT model for embeddings: bge-small's shape in F16, or the tiny preset for a smoke run. */
export async function ensureBertModel(size: 'bge-small' | 'tiny'): Promise<BenchModel> {
  const spec: TestModelOptions =
    size === 'tiny' ? { architecture: 'bert', size: 'tiny', seed: 0 } : { architecture: 'bert', size: bgeSmallDims, fileType: 'F16', seed: 0 };
  return describeModel(size === 'tiny' ? 'bert, tiny, F32' : 'bert, bge-small shape (33M), F16', await ensureTestModel(spec));
}

/** Reads what random input needs (vocabulary size, BOS) from the file's header, without loading any engine. */
export function describeModel(label: string, path: string): BenchModel {
  const header = readGgufHeader(path);
  const tokens = findKv(header, 'tokenizer.ggml.tokens');
  if (tokens?.type !== GgufValueType.ARRAY) throw new Error(`${path} has no vocabulary`);
  const bos = findKv(header, 'tokenizer.ggml.bos_token_id');
  const addBos = findKv(header, 'tokenizer.ggml.add_bos_token');
  const bosToken = bos && typeof bos.value === 'number' && addBos?.value !== false ? bos.value : undefined;
  const architecture = findKv(header, 'general.architecture')?.value;
  const contextLength = findKv(header, `${String(architecture)}.context_length`)?.value;
  if (typeof contextLength !== 'number') throw new Error(`${path} has no context length`);
  return { label, path, fileBytes: statSync(path).size, vocabSize: tokens.value.length, bosToken, contextLength };
}
