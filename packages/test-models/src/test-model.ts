import { randomBytes } from 'node:crypto';
import { endianness } from 'node:os';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { getArchitecture, type ArchitectureName } from './architectures/registry.js';
import type { ArchitectureSpec } from './architectures/architecture.js';
import { resolveChatTemplate } from './chat-template.js';
import { GgufValueType, LlamaFileType, type GgufKv } from './gguf-types.js';
import { gguf, setKv } from './gguf-value.js';
import { writeGgufFile } from './gguf-writer.js';
import { resolveDims, type ModelDims, type SizePreset } from './model-size.js';
import { resolveModelScript, scriptSuccession, type ModelScript, type ResolvedScript } from './model-script.js';
import { scriptedTensorPlans } from './scripted-weights.js';
import { tensorSource } from './tensor-init.js';
import { loadVocabulary, type Vocabulary } from './vocabulary.js';
import { vocabularyTokens } from './vocabulary-tokens.js';

/**
 * Bumped whenever a change here alters the bytes written for the same options,
 * so that cached models are regenerated.
 */
export const GENERATOR_VERSION = 2;

/** Storage type of the weight matrices (norms, biases and positions stay F32). */
export type TestModelFileType = 'F32' | 'F16';

/** What model to generate. Everything but the architecture has a default. */
export interface TestModelOptions {
  architecture: ArchitectureName;
  /** Vocab name under vendor/llama.cpp/models (`llama-spm`) or a GGUF path. Default: the arch's usual vocab. */
  vocab?: string;
  /** A vendored template name (`Qwen-Qwen2.5-7B-Instruct`) or Jinja source; sets `tokenizer.chat_template`. */
  chatTemplate?: string;
  /** Default `tiny`. */
  size?: SizePreset | ModelDims;
  /** Integer seed of the weights. Default 0. */
  seed?: number;
  /** Default `F16` for the `bench` size, `F32` otherwise. */
  fileType?: TestModelFileType;
  /**
   * Makes a scripted model: weights chosen so that greedy decoding emits exactly these tokens,
   * then `script.then` (default EOS). The next token depends on the last one alone: a token of
   * the script is followed by its successor in the script, any other token (the end of a prompt)
   * by the script's first token. Not for decoder-free (embedding-only) architectures.
   */
  script?: ModelScript;
}

/** Options of {@link writeTestModel}: the model plus where to write it. */
export interface WriteTestModelOptions extends TestModelOptions {
  outPath: string;
}

/** What was written. */
export interface TestModelInfo {
  path: string;
  /** `general.name`. */
  name: string;
  architecture: ArchitectureName;
  vocab: string;
  nVocab: number;
  dims: ModelDims;
  fileType: TestModelFileType;
  seed: number;
  /** The script as token ids, for a scripted model. */
  script: ResolvedScript | undefined;
  tensorCount: number;
  parameterCount: number;
  bytes: number;
  /** Wall time spent writing, in seconds. */
  seconds: number;
}

/** Options with every default filled in and every file they name loaded. */
export interface ResolvedTestModel {
  architecture: ArchitectureName;
  spec: ArchitectureSpec;
  vocab: Vocabulary;
  chatTemplate: string | undefined;
  dims: ModelDims;
  sizeLabel: string;
  seed: number;
  fileType: TestModelFileType;
  script: ResolvedScript | undefined;
}

/** Fills in defaults and loads the vocabulary and template the options name. */
export function resolveTestModel(options: TestModelOptions): ResolvedTestModel {
  const spec = getArchitecture(options.architecture);
  const size = options.size ?? 'tiny';
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const vocab = loadVocabulary(options.vocab ?? spec.defaultVocab);
  return {
    architecture: options.architecture,
    spec,
    vocab,
    chatTemplate: options.chatTemplate === undefined ? undefined : resolveChatTemplate(options.chatTemplate),
    dims: resolveDims(size),
    sizeLabel: typeof size === 'string' ? size : `${size.embeddingLength}x${size.blockCount}`,
    seed,
    fileType: options.fileType ?? (size === 'bench' ? 'F16' : 'F32'),
    script: options.script === undefined ? undefined : resolveModelScript(vocab, options.script),
  };
}

/** The complete key/value section of a test model, in file order. */
export function testModelKv(m: ResolvedTestModel): GgufKv[] {
  const shape = { ...m.dims, nVocab: m.vocab.nVocab, nTokenTypes: m.vocab.nTokenTypes };
  const arch = m.spec.name;
  let kv: GgufKv[] = [
    { key: 'general.architecture', value: gguf.str(arch) },
    {
      key: 'general.name',
      value: gguf.str(`gpt4all-test ${arch} ${m.vocab.name} ${m.sizeLabel} (${m.script ? 'scripted' : 'random weights'})`),
    },
    {
      key: 'general.file_type',
      value: gguf.u32(m.fileType === 'F16' ? LlamaFileType.MOSTLY_F16 : LlamaFileType.ALL_F32),
    },
    // Provenance for humans inspecting a stray file; llama.cpp ignores these.
    { key: 'gpt4all.test_model.seed', value: gguf.u64(BigInt(m.seed)) },
    { key: 'gpt4all.test_model.generator_version', value: gguf.u32(GENERATOR_VERSION) },
    ...(m.script
      ? [{ key: 'gpt4all.test_model.script', value: gguf.array(GgufValueType.INT32, [...m.script.tokens, m.script.then]) }]
      : []),
    ...m.spec.hparams(shape).map(([k, value]) => ({ key: `${arch}.${k}`, value })),
    ...m.vocab.tokenizerKv,
  ];
  if (m.chatTemplate !== undefined) kv = setKv(kv, 'tokenizer.chat_template', gguf.str(m.chatTemplate));
  return kv;
}

/**
 * Writes a GGUF model with random (or, with `script`, scripted) weights, deterministic from the options:
 * the same options always give a byte-identical file. The file appears
 * atomically (written beside `outPath`, then renamed), so a reader never sees a
 * half-written model. Work is synchronous inside; the bench model takes
 * seconds to tens of seconds.
 */
export async function writeTestModel(options: WriteTestModelOptions): Promise<TestModelInfo> {
  if (endianness() !== 'LE') throw new Error('test models are written from typed arrays and need a little-endian host');
  const started = performance.now();
  const m = resolveTestModel(options);
  const kv = testModelKv(m);
  const shape = { ...m.dims, nVocab: m.vocab.nVocab, nTokenTypes: m.vocab.nTokenTypes };
  const random = m.spec.tensors(shape);
  const plans = m.script
    ? scriptedTensorPlans(random, shape, scriptSuccession(m.script, vocabularyTokens(m.vocab).texts))
    : random;
  const sources = plans.map((p) => tensorSource(p, m.seed, m.fileType));

  mkdirSync(dirname(options.outPath), { recursive: true });
  const part = `${options.outPath}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  let bytes: number;
  try {
    bytes = writeGgufFile(part, kv, sources);
    renameSync(part, options.outPath);
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  const name = kv.find((e) => e.key === 'general.name')?.value.value as string;
  return {
    path: options.outPath,
    name,
    architecture: m.architecture,
    vocab: m.vocab.name,
    nVocab: m.vocab.nVocab,
    dims: m.dims,
    fileType: m.fileType,
    seed: m.seed,
    script: m.script,
    tensorCount: plans.length,
    parameterCount: plans.reduce((n, p) => n + p.dims.reduce((a, b) => a * b, 1), 0),
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}
