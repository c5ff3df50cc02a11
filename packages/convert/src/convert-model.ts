import { FILE_TYPES, quantize, readGgufHeader, readLegacyGgmlFormat, type FileType } from '@gpt4all/core';
import { accessSync, closeSync, constants, existsSync, linkSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { checkAborted, prepareConverterEnvironment, type ConverterEnvironmentOptions } from './converter-environment.js';
import { ConvertError } from './convert-error.js';
import { readLegacyGgmlModel } from './legacy-ggml-model.js';
import { packageFile } from './package-files.js';
import { runProcess } from './run-process.js';

/** The converter's `--outtype`: the number format of the weights it writes. */
export type ConvertOutType = 'f32' | 'f16' | 'bf16' | 'q8_0' | 'auto';
const OUT_TYPES: readonly ConvertOutType[] = ['f32', 'f16', 'bf16', 'q8_0', 'auto'];

/** What gpt4all_convert.py prints, and its exit status, when llama.cpp cannot run the input as it is. */
const UNSUPPORTED_MARKER = 'gpt4all-convert: unsupported: ';
const UNSUPPORTED_EXIT = 3;

/** Options of {@link convertModel}; the environment options choose the Python it runs in. */
export interface ConvertOptions extends ConverterEnvironmentOptions {
  /**
   * The number format of the converted weights (llama.cpp's `convert_hf_to_gguf.py --outtype`):
   * `f32` keeps float32 checkpoints exact, `auto` takes the checkpoint's own (float16 for most).
   * Default with `quantize`: `f32` for `F32`, `bf16` for `BF16`, else `f16`; without: `auto`.
   * Hugging Face checkpoints only.
   */
  outType?: ConvertOutType;
  /** Quantize the converted model to this llama.cpp file type (`Q4_0`, `Q4_K_M`, ..., any case) with `@gpt4all/core`'s `quantize`. */
  quantize?: FileType | Lowercase<FileType>;
  /** CPU threads for quantizing. Default: all cores. */
  threads?: number;
}

/** What {@link convertModel} wrote. */
export interface ConvertResult {
  /** The GGUF file, at the output path given. */
  path: string;
  /** What was converted: a Hugging Face checkpoint folder or an old GGML file. */
  source: 'hugging-face' | 'ggml';
  /** The model's `general.architecture` in the GGUF file (`gptj`, `llama`, ...). */
  architecture: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Converts a model to GGUF at `output`:
 * - a Hugging Face checkpoint folder (`config.json`, safetensors or PyTorch weights, tokenizer):
 *   with the pinned llama.cpp's `convert_hf_to_gguf.py`, plus this package's GPT-J module
 *   (`GPTJForCausalLM`, which llama.cpp's converter lacks) and fixes for transformers' Falcon and
 *   MPT checkpoints;
 * - an old GGML file of a LLaMA model (`ggjt` v3, and the unquantized older formats) with
 *   `convert_llama_ggml_to_gguf.py`. GGML files of other families (GPT4All-J's GPT-J, MPT,
 *   Replit) are refused with the reason: they keep no BPE merge rules, which this converter does
 *   not rebuild; convert the original Hugging Face checkpoint instead.
 *
 * The converter runs in the Python environment {@link prepareConverterEnvironment} prepares
 * (created on first use: about 5 GB from PyPI). With `quantize`, the converted model is then
 * quantized by the engine. The result is written under a temporary name in the output's folder
 * and linked into place when complete, never over a file that exists: a failure or an abort
 * leaves nothing under `output`.
 * @throws {ConvertError} `ERR_CONVERT_INPUT` (missing input, not a checkpoint, output exists or
 *   its folder does not, an unknown `quantize` type),
 *   `ERR_CONVERT_UNSUPPORTED`, `ERR_PYTHON_UNAVAILABLE`, `ERR_PYTHON_ENVIRONMENT`,
 *   `ERR_CONVERT_FAILED` (with the converter's last lines in `log`), `ERR_ABORTED`.
 */
export async function convertModel(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  input = resolve(input);
  output = resolve(output);
  if (options.outType !== undefined && !OUT_TYPES.includes(options.outType)) {
    throw new ConvertError('ERR_CONVERT_INPUT', `outType: ${String(options.outType)} is not one of ${OUT_TYPES.join(', ')}`, { input });
  }
  // Any case, as the engine's quantize takes it (`q4_0`).
  const quantizeTo = options.quantize === undefined ? undefined : FILE_TYPES.find((type) => type.toLowerCase() === String(options.quantize).toLowerCase());
  if (options.quantize !== undefined && !quantizeTo) {
    throw new ConvertError('ERR_CONVERT_INPUT', `quantize: ${String(options.quantize)} is not a llama.cpp file type (${FILE_TYPES.join(', ')})`, { input });
  }
  const source = classifyInput(input, output);
  if (source.kind === 'ggml' && options.outType !== undefined) {
    throw new ConvertError('ERR_CONVERT_INPUT', `--outtype applies to Hugging Face checkpoints; ${input} is a GGML file (its types are kept)`, { input });
  }
  removeAbandonedFiles(dirname(output));
  const environment = await prepareConverterEnvironment(options);
  // Temporary names of their own, free of the output's name: the converter reads braces in it as
  // a template ({ftype}), and two conversions to one output must not share a file.
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(dirname(output), `.gpt4all-converting-${unique}.gguf`);
  const quantizing = join(dirname(output), `.gpt4all-quantizing-${unique}.gguf`);
  try {
    const outType = options.outType ?? (quantizeTo === 'F32' ? 'f32' : quantizeTo === 'BF16' ? 'bf16' : quantizeTo ? 'f16' : 'auto');
    const args =
      source.kind === 'hugging-face'
        ? ['hf', input, '--outfile', staging, '--outtype', outType]
        : ['ggml', '--input', input, '--output', staging];
    const run = await runProcess(environment.python, [packageFile('python/gpt4all_convert.py'), packageFile('llama.cpp'), ...args], {
      signal: options.signal,
      onLine: options.onLog,
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
    });
    checkAborted(options.signal, input);
    if (run.code !== 0 || !existsSync(staging)) {
      const lines = run.tail.split('\n');
      const refused = lines.find((line) => line.startsWith(UNSUPPORTED_MARKER));
      if (run.code === UNSUPPORTED_EXIT && refused) {
        throw new ConvertError('ERR_CONVERT_UNSUPPORTED', `${input} cannot be converted: ${refused.slice(UNSUPPORTED_MARKER.length)}`, { input, log: run.tail });
      }
      const unsupported = /Model (\S+) is not supported/.exec(run.tail);
      if (unsupported) {
        throw new ConvertError('ERR_CONVERT_UNSUPPORTED', `llama.cpp's converter has no support for the architecture ${unsupported[1]} (${input})`, {
          input,
          log: run.tail,
        });
      }
      const last = lines.filter((line) => line.trim() !== '').at(-1) ?? `exit status ${run.code}`;
      throw new ConvertError('ERR_CONVERT_FAILED', `converting ${input} failed: ${last}`, { input, log: run.tail });
    }
    let result = staging;
    if (quantizeTo) {
      options.onLog?.(`quantizing to ${quantizeTo}`);
      try {
        await quantize(staging, quantizing, quantizeTo, { threads: options.threads });
      } catch (error) {
        throw new ConvertError('ERR_CONVERT_FAILED', `quantizing ${input} to ${quantizeTo} failed: ${(error as Error).message}`, { input, cause: error });
      }
      checkAborted(options.signal, input);
      result = quantizing;
    }
    const header = readGgufHeader(result);
    if (header.tensors.length === 0) {
      throw new ConvertError('ERR_CONVERT_FAILED', `converting ${input} wrote no weights (the converter found no tensors)`, { input, log: run.tail });
    }
    place(result, output, input);
    return { path: output, source: source.kind, architecture: String(header.metadata['general.architecture']), bytes: statSync(output).size };
  } finally {
    rmSync(staging, { force: true });
    rmSync(quantizing, { force: true });
  }
}

/** The temporary files of a conversion: `.gpt4all-converting-<pid>-<random>.gguf` and `...-quantizing-...`. */
const TEMPORARY_FILE = /^\.gpt4all-(converting|quantizing)-(\d+)-[0-9a-f]+\.gguf$/;

/**
 * Removes the temporary files of conversions whose process is gone (killed before it could clean
 * up, as by a second Ctrl-C while the converter wrote); those of running processes stay.
 */
function removeAbandonedFiles(folder: string): void {
  for (const name of readdirSync(folder)) {
    const match = TEMPORARY_FILE.exec(name);
    if (match && !processRuns(Number(match[2]))) rmSync(join(folder, name), { force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Gives the finished file its name without replacing a file that appeared there meanwhile (a
 * hard link fails when the name exists; another conversion to the same output may have finished
 * first). Where links are not possible (FAT), a rename, after checking.
 */
function place(file: string, output: string, input: string): void {
  const taken = (): ConvertError =>
    new ConvertError('ERR_CONVERT_INPUT', `${output} exists already (written by something else while this conversion ran); nothing was replaced`, { input });
  try {
    linkSync(file, output);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken();
    if (existsSync(output)) throw taken();
    renameSync(file, output);
  }
}

type InputKind = { kind: 'hugging-face'; architecture: string } | { kind: 'ggml' };

/** A Hugging Face checkpoint's weight files: safetensors or PyTorch, whole or sharded. */
const WEIGHT_FILE = /\.(safetensors|bin|pt|pth)$/;
/** The tokenizer files the converter reads, one of which a checkpoint needs. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer.model', 'vocab.json', 'spiece.model', 'tokenizer_config.json'];

/** What `input` is, or the {@link ConvertError} that says why it cannot be converted. */
function classifyInput(input: string, output: string): InputKind {
  if (!existsSync(input)) throw new ConvertError('ERR_CONVERT_INPUT', `${input} does not exist`, { input });
  if (existsSync(output)) throw new ConvertError('ERR_CONVERT_INPUT', `${output} exists already; remove it or choose another output`, { input });
  const folder = dirname(output);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new ConvertError('ERR_CONVERT_INPUT', `the output's folder ${folder} does not exist`, { input });
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new ConvertError('ERR_CONVERT_INPUT', `the output's folder ${folder} is not writable`, { input });
  }
  if (statSync(input).isDirectory()) {
    const configPath = join(input, 'config.json');
    if (!existsSync(configPath)) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${input} is a folder without config.json: not a Hugging Face checkpoint`, { input });
    }
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (error) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${configPath} is not valid JSON: ${(error as Error).message}`, { input, cause: error });
    }
    const architectures = typeof config === 'object' && config !== null ? (config as { architectures?: unknown }).architectures : undefined;
    const architecture = Array.isArray(architectures) && typeof architectures[0] === 'string' ? architectures[0] : undefined;
    if (!architecture) throw new ConvertError('ERR_CONVERT_INPUT', `${configPath} names no architecture ("architectures": ["...ForCausalLM"])`, { input });
    const files = readdirSync(input);
    if (!files.some((file) => WEIGHT_FILE.test(file))) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${input} holds no weights (*.safetensors or pytorch_model*.bin)`, { input });
    }
    if (!TOKENIZER_FILES.some((file) => files.includes(file))) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${input} holds no tokenizer (${TOKENIZER_FILES.join(', ')})`, { input });
    }
    return { kind: 'hugging-face', architecture };
  }
  if (isGguf(input)) {
    throw new ConvertError('ERR_CONVERT_INPUT', `${input} is a GGUF file already; \`quantize\` (or gpt4all's --quantize on a checkpoint) changes its type`, { input });
  }
  const format = readLegacyGgmlFormat(input);
  if (!format) {
    throw new ConvertError('ERR_CONVERT_INPUT', `${input} is neither a Hugging Face checkpoint folder nor a GGML model file`, { input });
  }
  const label = `'${format.format}'${format.version === undefined ? '' : ` v${format.version}`}`;
  const known = format.format === 'ggml' || (format.format === 'ggmf' && format.version === 1) || (format.format === 'ggjt' && format.version !== undefined && format.version >= 1 && format.version <= 3);
  if (!known) {
    throw new ConvertError('ERR_CONVERT_INPUT', `${input} is a GGML ${label} file: no such version was written (ggmf is v1, ggjt v1 to v3); the file is damaged`, { input });
  }
  const model = readLegacyGgmlModel(input, format);
  if (!model.firstTensor) {
    throw new ConvertError(
      'ERR_CONVERT_INPUT',
      `${input} is a GGML ${label} file whose header does not read as a model's (truncated or damaged, or a family with other hyperparameters, as GPT4All's MPT and Replit files)`,
      { input },
    );
  }
  if (model.family !== 'llama') {
    const what = `its first tensor is '${model.firstTensor}', not LLaMA's`;
    throw new ConvertError(
      'ERR_CONVERT_UNSUPPORTED',
      `${input} is a GGML ${label} file of a model other than LLaMA (${what}): GPT4All-J (GPT-J), MPT and Replit GGML files keep their ` +
        'vocabulary without the BPE merge rules that a GGUF tokenizer needs, and this converter does not rebuild them. ' +
        "Convert the model's original Hugging Face checkpoint instead: gpt4all convert <model folder> <output.gguf>",
      { input },
    );
  }
  return { kind: 'ggml' };
}

function isGguf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.toString('latin1') === 'GGUF';
  } finally {
    closeSync(fd);
  }
}
