import { AbortedError } from '@gpt4all/download';
import { Gpt4AllError } from '@gpt4all/errors';
import { ExitCode } from './exit-code.js';
import { UsageError } from './usage-error.js';

/**
 * Prints a failed command's error on stderr as `error: <message> (<code>)` and returns the exit
 * status for it: 2 for a {@link UsageError}, 130 for an abort (Ctrl-C), else 1. The stack (and
 * the chain of causes) is shown only with `verbose`: the messages of the `@gpt4all/*` errors
 * already say what went wrong and what to do.
 */
export function reportError(error: unknown, options: { verbose?: boolean; stream?: NodeJS.WritableStream } = {}): ExitCode {
  const stream = options.stream ?? process.stderr;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  stream.write(`error: ${message}${code ? ` (${code})` : ''}\n`);
  if (options.verbose) {
    for (let cause: unknown = error; cause !== undefined; cause = cause instanceof Error ? cause.cause : undefined) {
      if (cause !== error) stream.write(`caused by: ${cause instanceof Error ? cause.message : String(cause)}\n`);
      if (cause instanceof Error && cause.stack) stream.write(`${cause.stack}\n`);
    }
  }
  if (UsageError.isInstance(error)) return ExitCode.usage;
  if (AbortedError.isInstance(error)) return ExitCode.interrupted;
  return ExitCode.failure;
}

/** The stable code of an error: a `Gpt4AllError`'s, or Node's (`ENOENT`, `EACCES`, ...). */
function errorCode(error: unknown): string | undefined {
  if (Gpt4AllError.isInstance(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
