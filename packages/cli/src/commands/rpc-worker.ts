import { DEFAULTS, serveRpcWorker } from '@gpt4all/core';
import { Command, Option } from 'commander';
import { exitBySignal } from '../interrupt-signal.js';
import { integerInRange } from '../parse-number.js';

interface RpcWorkerFlags {
  host?: string;
  port?: number;
  threads?: number;
  mem?: number;
  allowRemote?: boolean;
  cacheDir?: string;
}

/**
 * `gpt4all rpc-worker`: offers this machine's devices (its GPUs on a GPU backend, else its CPU)
 * to hosts that load models with `--rpc` / `rpcWorkers` (`@gpt4all/core`'s `serveRpcWorker`,
 * llama.cpp's RPC server). Loopback only unless `--allow-remote`, which prints why that is risky.
 * Runs until SIGINT or SIGTERM.
 */
export function rpcWorkerCommand(): Command {
  return new Command('rpc-worker')
    .description("hold layers of models that other machines load with --rpc (llama.cpp's RPC backend; no authentication: trusted networks only)")
    .option('--host <host>', `address to listen on (default: ${DEFAULTS.rpcWorkerHost}, this machine only; another needs --allow-remote)`)
    .addOption(new Option('--port <port>', `port to listen on (default: ${DEFAULTS.rpcWorkerPort})`).argParser(integerInRange(1, 65535)))
    .addOption(new Option('--threads <n>', 'CPU threads for the layers it computes on the CPU (default: the physical cores)').argParser(integerInRange(1, 1024)))
    .addOption(new Option('--mem <MiB>', 'memory to report to hosts, in MiB: their default split of the layers follows it; not a limit on what they allocate (default: what the devices have free)').argParser(integerInRange(1)))
    .option('--allow-remote', 'listen on an address other machines can reach (the protocol has no authentication or encryption)')
    .option('--cache-dir <dir>', 'cache tensors hosts send here, so that reloading a model sends hashes, not data')
    .addHelpText(
      'after',
      [
        '',
        'Security: anyone who can reach the port can use this machine\'s memory and compute, and read what it holds.',
        'Keep the default 127.0.0.1 and reach it through an SSH tunnel (ssh -L 50052:127.0.0.1:50052 worker-host),',
        'or use --allow-remote on a trusted network only.',
        '',
        'Example: gpt4all rpc-worker --port 50052, then on the host: gpt4all serve --model m.gguf --rpc 127.0.0.1:50052',
      ].join('\n'),
    )
    .action(async (flags: RpcWorkerFlags) => {
      if (flags.allowRemote && !['127.0.0.1', 'localhost', '::1', '[::1]', undefined].includes(flags.host)) {
        process.stderr.write(
          'warning: --allow-remote: llama.cpp\'s RPC protocol has no authentication or encryption. Anyone who can reach ' +
            'this port can use this machine\'s memory and compute and read the model data it holds. Use it on a trusted ' +
            'network only, or keep 127.0.0.1 and connect through an SSH tunnel.\n',
        );
      }
      const worker = await serveRpcWorker({
        host: flags.host,
        port: flags.port,
        threads: flags.threads,
        memoryMib: flags.mem,
        allowRemote: flags.allowRemote === true,
        cacheDir: flags.cacheDir,
      });
      process.stderr.write(`RPC worker on ${worker.endpoint} serving ${worker.devices.join(', ')} (Ctrl-C stops)\n`);
      // ggml's server runs on a native thread that cannot be stopped: a signal ends the process.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => exitBySignal(signal));
      await worker.stopped;
    });
}
