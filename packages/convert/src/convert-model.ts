import { FILE_TYPES, quantize, readGgufHeader, readLegacyGgmlFormat, type FileType } from '@gpt4all/core';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkAborted, prepareConverterEnvironment, type ConverterEnvironmentOptions } from './converter-environment.js';
import { ConvertError } from './convert-error.js';
import { readLegacyGgmlModel } from './legacy-ggml-model.js';
import { packageFile } from './package-files.js';
import { runProcess } from './run-process.js';

/** The converter's `--outtype`: the number format of the weights it writes. */
export type ConvertOutType = 'f32' | 'f16' | 'bf16' | 'q8_0' | 'auto';

/** Options of {@link convertModel}; the environment options choose the Python it runs in. */
export interface ConvertOptions extends ConverterEnvironmentOptions {
  /**
   * The number format of the converted weights (llama.cpp's `convert_hf_to_gguf.py --outtype`):
   * `f32` keeps float32 checkpoints exact, `auto` takes the checkpoint's own (float16 for most).
   * Default `f16` when `quantize` is given, else `auto`. Hugging Face checkpoints only.
   */
  outType?: ConvertOutType;
  /** Quantize the converted model to this llama.cpp file type (`Q4_0`, `Q4_K_M`, ...) with `@gpt4all/core`'s `quantize`. */
  quantize?: FileType;
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
 * and renamed into place when complete: a failure or an abort leaves nothing under `output`.
 * @throws {ConvertError} `ERR_CONVERT_INPUT` (missing input, not a checkpoint, output exists or
 *   its folder does not, an unknown `quantize` type),
 *   `ERR_CONVERT_UNSUPPORTED`, `ERR_PYTHON_UNAVAILABLE`, `ERR_PYTHON_ENVIRONMENT`,
 *   `ERR_CONVERT_FAILED` (with the converter's last lines in `log`), `ERR_ABORTED`.
 */
export async function convertModel(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  input = resolve(input);
  output = resolve(output);
  const source = classifyInput(input, output);
  if (options.quantize !== undefined && !(FILE_TYPES as readonly string[]).includes(options.quantize)) {
    throw new ConvertError('ERR_CONVERT_INPUT', `quantize: ${String(options.quantize)} is not a llama.cpp file type (${FILE_TYPES.join(', ')})`, { input });
  }
  if (source.kind === 'ggml' && options.outType !== undefined) {
    throw new ConvertError('ERR_CONVERT_INPUT', `--outtype applies to Hugging Face checkpoints; ${input} is a GGML file (its types are kept)`, { input });
  }
  const environment = await prepareConverterEnvironment(options);
  const staging = join(dirname(output), `.${basename(output)}.converting-${process.pid}`);
  const quantizing = join(dirname(output), `.${basename(output)}.quantizing-${process.pid}`);
  try {
    const outType = options.outType ?? (options.quantize ? 'f16' : 'auto');
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
      const unsupported = /Model (\S+) is not supported/.exec(run.tail);
      if (unsupported) {
        throw new ConvertError('ERR_CONVERT_UNSUPPORTED', `llama.cpp's converter has no support for the architecture ${unsupported[1]} (${input})`, {
          input,
          log: run.tail,
        });
      }
      const last = run.tail.split('\n').filter((line) => line.trim() !== '').at(-1) ?? `exit status ${run.code}`;
      throw new ConvertError('ERR_CONVERT_FAILED', `converting ${input} failed: ${last}`, { input, log: run.tail });
    }
    let result = staging;
    if (options.quantize) {
      options.onLog?.(`quantizing to ${options.quantize}`);
      try {
        await quantize(staging, quantizing, options.quantize, { threads: options.threads });
      } catch (error) {
        throw new ConvertError('ERR_CONVERT_FAILED', `quantizing ${input} to ${options.quantize} failed: ${(error as Error).message}`, { input, cause: error });
      }
      checkAborted(options.signal, input);
      result = quantizing;
    }
    const header = readGgufHeader(result);
    renameSync(result, output);
    return { path: output, source: source.kind, architecture: String(header.metadata['general.architecture']), bytes: statSync(output).size };
  } finally {
    rmSync(staging, { force: true });
    rmSync(quantizing, { force: true });
  }
}

type InputKind = { kind: 'hugging-face'; architecture: string } | { kind: 'ggml' };

/** What `input` is, or the {@link ConvertError} that says why it cannot be converted. */
function classifyInput(input: string, output: string): InputKind {
  if (!existsSync(input)) throw new ConvertError('ERR_CONVERT_INPUT', `${input} does not exist`, { input });
  if (existsSync(output)) throw new ConvertError('ERR_CONVERT_INPUT', `${output} exists already; remove it or choose another output`, { input });
  if (!existsSync(dirname(output)) || !statSync(dirname(output)).isDirectory()) {
    throw new ConvertError('ERR_CONVERT_INPUT', `the output's folder ${dirname(output)} does not exist`, { input });
  }
  if (statSync(input).isDirectory()) {
    const configPath = join(input, 'config.json');
    if (!existsSync(configPath)) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${input} is a folder without config.json: not a Hugging Face checkpoint`, { input });
    }
    let config: { architectures?: unknown };
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8')) as { architectures?: unknown };
    } catch (error) {
      throw new ConvertError('ERR_CONVERT_INPUT', `${configPath} is not valid JSON: ${(error as Error).message}`, { input, cause: error });
    }
    const architecture = Array.isArray(config.architectures) ? String(config.architectures[0]) : undefined;
    if (!architecture) throw new ConvertError('ERR_CONVERT_INPUT', `${configPath} names no architecture ("architectures")`, { input });
    return { kind: 'hugging-face', architecture };
  }
  if (isGguf(input)) {
    throw new ConvertError('ERR_CONVERT_INPUT', `${input} is a GGUF file already; \`quantize\` (or gpt4all's --quantize on a checkpoint) changes its type`, { input });
  }
  const format = readLegacyGgmlFormat(input);
  if (!format) {
    throw new ConvertError('ERR_CONVERT_INPUT', `${input} is neither a Hugging Face checkpoint folder nor a GGML model file`, { input });
  }
  const model = readLegacyGgmlModel(input, format);
  const label = `'${format.format}'${format.version === undefined ? '' : ` v${format.version}`}`;
  if (model.family !== 'llama') {
    const what = model.firstTensor ? `its first tensor is '${model.firstTensor}', not LLaMA's` : 'its header is not laid out as a LLaMA file';
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
