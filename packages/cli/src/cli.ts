// The `gpt4all` bin: parses the command line, runs the command, and turns every failure into a
// one-line message on stderr and an exit status (see exit-code.ts).
import { CommanderError } from 'commander';
import { ExitCode } from './exit-code.js';
import { createProgram } from './program.js';
import { reportError } from './report-error.js';

async function main(argv: string[]): Promise<void> {
  // `gpt4all run m | head -1`: a reader that leaves is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message (or the help or version, with exit code 0).
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error, { verbose: program.opts().verbose === true || argv.includes('--verbose') });
  }
}

// Node prints a process warning as "(node:PID) [CODE] Warning: …" with a hint about
// --trace-warnings; the CLI says it in one line of its own, like its errors.
process.removeAllListeners('warning');
process.on('warning', (warning) => process.stderr.write(`warning: ${warning.message}\n`));

await main(process.argv);
