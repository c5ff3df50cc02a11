import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface DoctorFlags {
  json?: boolean;
  refresh?: boolean;
  rpc?: string;
}

/**
 * `gpt4all doctor`: `@gpt4all/core`'s doctor (its `gpt4all-doctor` bin), run in this process
 * with the same flags: what the machine has, which native variant and CPU level would run and
 * why, what to install for GPU support. Its exit status is the doctor's.
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('diagnose this machine: CPU features, GPUs, installed engine variants and which one runs')
    .option('--json', 'the findings as JSON')
    .option('--refresh', 'probe GPU packages again instead of reading the probe cache')
    .option('--rpc <host:port,...>', 'check RPC workers: connect as a model load would and list their devices')
    .action(async (flags: DoctorFlags) => {
      await runCoreDoctor([...(flags.json ? ['--json'] : []), ...(flags.refresh ? ['--refresh'] : []), ...(flags.rpc !== undefined ? ['--rpc', flags.rpc] : [])]);
    });
}

/**
 * Runs the doctor of the installed `@gpt4all/core`. The package exports no doctor function, only
 * the bin, which runs on import with `process.argv` (and sets `process.exitCode`): it is found
 * through the package's `bin` field, the same file `npx gpt4all-doctor` runs.
 */
async function runCoreDoctor(args: string[]): Promise<void> {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@gpt4all/core/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.['gpt4all-doctor'];
  if (bin === undefined) throw new Error(`@gpt4all/core at ${dirname(manifestPath)} has no gpt4all-doctor bin`);
  const path = join(dirname(manifestPath), bin);
  process.argv = [process.argv[0]!, path, ...args];
  await import(pathToFileURL(path).href);
}
