import { convertModel, ConvertError, type ConvertOutType } from '@gpt4all/convert';
import { FILE_TYPES, type FileType } from '@gpt4all/core';
import { Command, Option } from 'commander';
import { formatBytes } from '../format-bytes.js';
import { listenForInterrupt, signalExitCode } from '../interrupt-signal.js';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';

interface ConvertFlags {
  outtype?: ConvertOutType;
  quantize?: string;
  python?: string;
  threads?: number;
}

/**
 * `gpt4all convert <input> <output.gguf>`: a Hugging Face checkpoint folder or an old GGML file
 * to GGUF, with `@gpt4all/convert` (llama.cpp's converter in a Python environment it prepares
 * on first use), optionally quantized. The converter's log goes to stderr with `--verbose`; the
 * path written goes to stdout.
 */
export function convertCommand(): Command {
  return new Command('convert')
    .description('convert a Hugging Face checkpoint folder or an old GGML (.bin) file to GGUF')
    .argument('<input>', 'Hugging Face model folder (config.json, weights, tokenizer) or GGML file (ggml/ggmf/ggjt)')
    .argument('<output>', 'the GGUF file to write (must not exist)')
    .addOption(new Option('--outtype <type>', 'number format of the converted weights (checkpoints only)').choices(['f32', 'f16', 'bf16', 'q8_0', 'auto']))
    .option('--quantize <type>', `quantize the result, e.g. Q4_0 or Q4_K_M (${FILE_TYPES.join(', ')})`)
    .option('--python <path>', 'Python 3.10+ to create the converter environment with (default: $GPT4ALL_PYTHON or python3)')
    .addHelpText(
      'after',
      [
        '',
        'The first run creates a Python environment under the cache folder (~/.cache/gpt4all/python on Linux)',
        'with the converter\'s pinned requirements from PyPI: about 5 GB, once.',
        '',
        'Examples:',
        '  gpt4all convert ./gpt-j-6b gpt-j-6b-Q4_0.gguf --quantize Q4_0',
        '  gpt4all convert ggml-model-q4_0.bin ggml-model-q4_0.gguf',
      ].join('\n'),
    )
    .action(async (input: string, output: string, flags: ConvertFlags, command: Command) => {
      process.exitCode = await convert(input, output, flags, Boolean(command.optsWithGlobals().verbose));
    });
}

async function convert(input: string, output: string, flags: ConvertFlags, verbose: boolean): Promise<number> {
  const quantize = flags.quantize === undefined ? undefined : FILE_TYPES.find((type) => type.toLowerCase() === flags.quantize?.toLowerCase());
  if (flags.quantize !== undefined && !quantize) {
    throw new UsageError(`--quantize ${flags.quantize} is not a llama.cpp file type (${FILE_TYPES.join(', ')})`);
  }
  const interrupt = listenForInterrupt();
  let step = '';
  const onLog = (line: string): void => {
    // The steps, always; everything the converter and pip print, with --verbose.
    const next = /^creating a Python/.test(line) ? 'preparing the converter environment (first run: about 5 GB from PyPI)' : /^quantizing to/.test(line) ? line : undefined;
    if (next && next !== step) process.stderr.write(`${(step = next)}\n`);
    // pip's progress while the environment is made: a line per package, not minutes of silence.
    else if (verbose || /^(Collecting|Installing collected packages|Successfully installed)/.test(line)) process.stderr.write(`${line}\n`);
  };
  try {
    process.stderr.write(`converting ${input}\n`);
    const result = await convertModel(input, output, { outType: flags.outtype, quantize: quantize as FileType | undefined, python: flags.python, signal: interrupt.signal, onLog });
    process.stderr.write(`wrote ${result.path} (${result.architecture}, ${formatBytes(result.bytes)})\n`);
    process.stdout.write(`${result.path}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (interrupt.received && ConvertError.isInstance(error) && error.code === 'ERR_ABORTED') {
      process.stderr.write('interrupted: nothing was written\n');
      return signalExitCode(interrupt.received);
    }
    // The converter's own last lines say what it choked on.
    if (ConvertError.isInstance(error) && error.log && !verbose) process.stderr.write(`${error.log}\n`);
    throw error;
  } finally {
    interrupt.dispose();
  }
}
