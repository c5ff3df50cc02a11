import { DEFAULTS } from '@gpt4all/chat';
import type { ServeOptions } from '@gpt4all/server';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultModel } from '../default-model.js';
import { UsageError } from '../usage-error.js';
import { addModelSourceOptions, catalogSource, resolveModelArgument, type ModelSourceFlags } from '../model-source-options.js';
import { exitBySignal } from '../interrupt-signal.js';
import { collect, integerInRange } from '../parse-number.js';

/** The flags, named as the server's options they pass on. */
type ServeFlags = Pick<ServeOptions, 'host' | 'port' | 'parallel' | 'threads' | 'apiKey' | 'cors' | 'contextSize' | 'maxLoadedModels'> & ModelSourceFlags & {
  /** `--rpc a:1,b:2`: RPC workers (repeatable). */
  rpc?: string[];
  rpcSplit?: number[];
  model?: string[];
  lazy?: boolean;
  /** False with `--no-web`. */
  web: boolean;
};

/**
 * `gpt4all serve`: an OpenAI-compatible HTTP API over local models (`@gpt4all/server`'s
 * `startServer`; without `--model`, the only installed model) and the web app (`@gpt4all/web`) at
 * `/` unless `--no-web`. Flags left out are left to the
 * server's defaults (`SERVER_DEFAULTS`: 127.0.0.1, port 4891), which the help text names. Prints
 * the URL and the model ids on stderr once it listens. SIGINT or SIGTERM closes it gracefully
 * (no new connections, requests in flight finish) and exits 0; a second signal exits at once with
 * 128 + its number.
 */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description('serve models over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models, ...)')
    .option('--model <model>', 'a model to serve: catalog name, file name, hf: reference or path (repeatable; default: the only installed model, else each installed one on demand)', collect)
    .option('--host <host>', 'address to listen on (default: 127.0.0.1, this machine only)')
    .addOption(new Option('--port <port>', 'port to listen on, 0 for any free one (default: 4891, as GPT4All\'s API server)').argParser(integerInRange(0, 65535)))
    .addOption(new Option('--parallel <n>', `requests each model generates at once, decoded together (default: ${DEFAULTS.parallel})`).argParser(integerInRange(1)))
    .addOption(new Option('--threads <n>', 'CPU threads per model (default: the physical cores)').argParser(integerInRange(1)))
    .option('--api-key <key>', 'require `Authorization: Bearer <key>` on every /v1 and /api request (the web app asks for it)')
    .option('--cors <origin>', 'allow browser requests from this origin (repeatable; * for any)', collect)
    .addOption(new Option('--context-size <n>', `tokens each of a model's sequences holds (default: the catalog's, else ${DEFAULTS.contextSize})`).argParser(integerInRange(16)))
    .option('--lazy', 'load each model on its first request instead of at start')
    .addOption(new Option('--max-loaded-models <n>', `most models loaded at once; the least recently used one loaded on demand makes room (default: 3)`).argParser(integerInRange(1)))
    .option('--no-web', 'do not serve the web app at / (only the APIs)')
    .addOption(new Option('--rpc <host:port,...>', 'spread each model over these RPC workers (started with `gpt4all rpc-worker`) and this machine').argParser(rpcWorkers))
    .addOption(new Option('--rpc-split <shares>', 'with --rpc: shares of the layers, this machine first, then each worker (such as 1,2,2; default: by free memory)').argParser(rpcSplit));
  // The catalog names models for `--model` and is what the web app's Models page offers.
  return addModelSourceOptions(command)
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

/** `--rpc`: comma-separated `host:port`, repeatable. */
function rpcWorkers(value: string, previous: string[] | undefined): string[] {
  const workers = value.split(',').map((w) => w.trim()).filter((w) => w !== '');
  for (const worker of workers) {
    const port = Number(/:(\d+)$/.exec(worker)?.[1]);
    if (!(port >= 1 && port <= 65535) || worker.startsWith(':')) throw new InvalidArgumentError(`'${worker}' is not host:port.`);
  }
  if (workers.length === 0) throw new InvalidArgumentError('expected host:port,...');
  return [...(previous ?? []), ...workers];
}

/** `--rpc-split 1,2,2`: non-negative decimal shares, not all 0. */
function rpcSplit(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) throw new InvalidArgumentError('expected non-negative numbers, such as 1,2,2.');
  const shares = parts.map(Number);
  if (shares.every((s) => s === 0)) throw new InvalidArgumentError('at least one share must be above 0.');
  return shares;
}

async function serve(flags: ServeFlags): Promise<void> {
  if (flags.rpcSplit && !flags.rpc) throw new UsageError('--rpc-split needs --rpc');
  if (flags.rpcSplit && flags.rpc && flags.rpcSplit.length !== flags.rpc.length + 1) {
    const workers = flags.rpc.length === 1 ? 'the worker' : `each of the ${flags.rpc.length} workers`;
    throw new UsageError(`--rpc-split needs ${flags.rpc.length + 1} shares: this machine first, then ${workers}`);
  }
  const models = flags.model?.map((model) => resolveModelArgument(model, flags)) ?? (await installedDefault(flags));
  // Imported here: the server (fastify and all) is only needed by this command.
  const { startServer } = await import('@gpt4all/server');
  const webAppDir = flags.web ? (await import('@gpt4all/web')).webAppDir : undefined;
  const server = await startServer({
    models,
    host: flags.host,
    port: flags.port,
    parallel: flags.parallel,
    threads: flags.threads,
    apiKey: flags.apiKey,
    cors: flags.cors,
    contextSize: flags.contextSize,
    modelsDir: flags.modelsDir,
    catalogUrl: catalogSource(flags),
    loadOnFirstRequest: flags.lazy,
    maxLoadedModels: flags.maxLoadedModels,
    webAppDir,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(flags.rpc && { rpcWorkers: flags.rpc, rpcSplit: flags.rpcSplit }),
  });
  const served = server.models.length > 0 ? server.models.join(', ') : 'the models of the model directory, on demand';
  process.stderr.write(`serving ${served} on ${server.url}\n`);
  if (webAppDir) process.stderr.write(`web app: ${server.url}/\n`);
  process.stderr.write(`OpenAI base URL: ${server.url}/v1 (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) exitBySignal(signal);
      stopping = true;
      process.stderr.write(`${signal}: finishing the requests in flight, then stopping\n`);
      server.close().then(resolve, (error: unknown) => {
        process.stderr.write(`error while closing: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('stopped\n');
  // Exit now: nothing of the closed server (timers, model threads) may hold the process.
  process.exit(0);
}

/**
 * Without `--model`: the only installed model, loaded at start. With none or several installed,
 * none is loaded at start: each installed one is loaded by the first request that names it, and
 * the web app can download one.
 */
async function installedDefault(flags: ServeFlags): Promise<string[]> {
  try {
    return [await defaultModel('gpt4all serve --model <model>', flags)];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return [];
  }
}
