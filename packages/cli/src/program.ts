import { Command } from 'commander';
import { chatCommand } from './commands/chat.js';
import { convertCommand } from './commands/convert.js';
import { doctorCommand } from './commands/doctor.js';
import { listCommand } from './commands/list.js';
import { pullCommand } from './commands/pull.js';
import { rmCommand } from './commands/rm.js';
import { rpcWorkerCommand } from './commands/rpc-worker.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';

declare const __GPT4ALL_CLI_VERSION__: string;

/** This package's version (from package.json, put in at build time). */
export const CLI_VERSION = __GPT4ALL_CLI_VERSION__;

/**
 * The `gpt4all` command line: its subcommands and the global `--verbose`. Parse errors throw
 * commander's `CommanderError` (`exitOverride`) instead of exiting, so that `cli.ts` maps them to
 * exit status 2; `--help` and `--version` throw one with exit code 0.
 */
export function createProgram(): Command {
  const program = new Command('gpt4all')
    .description('Chat with, run, download and serve local GGUF language models (GPT4All for Node.js).')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'show stack traces and causes of errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  gpt4all pull "Llama 3.2 1B Instruct"',
        '  gpt4all chat "Llama 3.2 1B Instruct"',
        '  echo "Name three colours" | gpt4all run Llama-3.2-1B-Instruct-Q4_0.gguf --temperature 0',
        '  gpt4all serve --model "Llama 3.2 1B Instruct" --port 4891',
        '  gpt4all rpc-worker --port 50052   (then: gpt4all serve --model m.gguf --rpc 127.0.0.1:50052)',
        '  gpt4all convert ./gpt-j-6b gpt-j-6b-Q4_0.gguf --quantize Q4_0',
        '',
        'Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted (Ctrl-C).',
        'Environment: GPT4ALL_MODEL_PATH (model directory), GPT4ALL_CATALOG_URL (catalog), HF_TOKEN, HF_ENDPOINT.',
      ].join('\n'),
    );
  for (const command of [chatCommand(), runCommand(), pullCommand(), listCommand(), rmCommand(), serveCommand(), rpcWorkerCommand(), convertCommand(), doctorCommand()]) {
    // Subcommands report their parse errors the same way.
    program.addCommand(command.exitOverride().showHelpAfterError('(add --help for usage)'));
  }
  return program;
}
