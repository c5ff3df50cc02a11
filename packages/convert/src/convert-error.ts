import { Gpt4AllError, brandError } from '@gpt4all/errors';

/**
 * Why a conversion failed:
 * - `ERR_CONVERT_INPUT`: the input is missing, or not something this converts (a folder without
 *   `config.json`, a file that is neither GGUF nor an old GGML model);
 * - `ERR_CONVERT_UNSUPPORTED`: the input is understood but cannot be converted (an architecture
 *   llama.cpp's converter lacks, an old GGML file of a model other than LLaMA); the message says why;
 * - `ERR_PYTHON_UNAVAILABLE`: no Python 3.10 or newer with `venv` to run the converter in;
 * - `ERR_PYTHON_ENVIRONMENT`: preparing the converter's environment failed (pip could not
 *   install its pinned requirements from PyPI);
 * - `ERR_CONVERT_FAILED`: the converter or the quantization failed; `log` holds its last lines;
 * - `ERR_ABORTED`: the `signal` aborted it. Nothing is left under the output's name.
 */
export type ConvertErrorCode =
  | 'ERR_CONVERT_INPUT'
  | 'ERR_CONVERT_UNSUPPORTED'
  | 'ERR_PYTHON_UNAVAILABLE'
  | 'ERR_PYTHON_ENVIRONMENT'
  | 'ERR_CONVERT_FAILED'
  | 'ERR_ABORTED';

/** A conversion to GGUF failed; `code` says why (see {@link ConvertErrorCode}). */
export class ConvertError extends Gpt4AllError<ConvertErrorCode> {
  /** What was being converted: a Hugging Face model folder or an old GGML file. */
  readonly input: string;
  /** The last lines the failing program (the converter, pip or Python) printed, if any. */
  readonly log: string | undefined;

  constructor(code: ConvertErrorCode, message: string, details: { input: string; log?: string; cause?: unknown }) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ConvertError';
    this.input = details.input;
    this.log = details.log;
  }
}
brandError(ConvertError, '@gpt4all/convert:ConvertError');
