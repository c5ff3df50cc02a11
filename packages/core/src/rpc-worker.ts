import { callNative, toError } from './errors/to-error.js';
import type { NativeLayerRange, NativeRpcDevice } from './native/binding.js';
import { DEFAULTS } from './native/contract.js';
import { loadBinding } from './native/load-binding.js';
import type { Model } from './model.js';

/** Options for {@link serveRpcWorker}. */
export interface RpcWorkerOptions {
  /**
   * The address to listen on: an IPv4 address, or a name that resolves to one (llama.cpp's server
   * is IPv4 only). Default `DEFAULTS.rpcWorkerHost` (127.0.0.1: this machine only).
   */
  host?: string;
  /** Default `DEFAULTS.rpcWorkerPort` (50052, as llama.cpp's `rpc-server`). */
  port?: number;
  /** CPU threads for the layers it computes on the CPU. Default: the physical cores. */
  threads?: number;
  /**
   * Memory to report to hosts, in MiB: their default split of the layers follows it. A hint, not a
   * limit on what they allocate. Default: what its devices have free.
   */
  memoryMib?: number;
  /**
   * Listen on an address other machines can reach. llama.cpp's RPC protocol has no
   * authentication or encryption: anyone who reaches the port can use the worker's memory and
   * compute and read what it holds. Only on a trusted network; otherwise keep the default
   * loopback address and reach the worker through an SSH tunnel (`ssh -L 50052:127.0.0.1:50052`).
   */
  allowRemote?: boolean;
  /** Cache tensors hosts send in this directory, so that a reload sends hashes, not data. */
  cacheDir?: string;
}

/** A running worker. */
export interface RpcWorker {
  /** Where it listens (`host:port`). */
  endpoint: string;
  /** The devices it serves (`CPU`, or the GPUs of a GPU backend, such as `CUDA0`). */
  devices: string[];
  /** Rejects if the worker's server stops; it never resolves (the worker runs until the process ends). */
  stopped: Promise<never>;
}

/**
 * Starts an RPC worker in this process: its devices (the GPUs of a GPU backend, else the CPU)
 * hold layers of models that hosts load with `rpcWorkers` (llama.cpp's `ggml_backend_rpc_start_server`).
 * It serves one host connection at a time, and runs until the process exits: ggml's server cannot
 * be stopped, so run it in a process of its own (`gpt4all rpc-worker`).
 * Errors: `ERR_INVALID_ARGUMENT` (a non-loopback host without `allowRemote`, a bad number),
 * `ERR_IO` (the address cannot be listened on: in use, not this machine's), `ERR_NO_BACKEND`.
 */
export function serveRpcWorker(options: RpcWorkerOptions = {}): Promise<RpcWorker> {
  const { binding } = loadBinding();
  return new Promise((resolve, reject) => {
    let ready = false;
    let stop: (error: unknown) => void = () => {};
    const stopped = new Promise<never>((_, rejectStopped) => (stop = rejectStopped));
    stopped.catch(() => {}); // a caller that does not watch it is not an unhandled rejection
    callNative(() =>
      binding.serveRpcWorker({ ...options }, (event) => {
        if (event.kind === 'ready') {
          ready = true;
          resolve({ endpoint: event.endpoint, devices: event.devices, stopped });
        } else if (ready) {
          stop(toError(event.error));
        } else {
          reject(toError(event.error));
        }
      }),
    );
  });
}

/** A device of an RPC worker, as a host sees it. */
export type RpcDevice = NativeRpcDevice;

/**
 * Connects to an RPC worker as a model load would (protocol version, devices) and lists its
 * devices with their memory (bytes). Errors: `RpcError` (`ERR_RPC_UNAVAILABLE`: refused, no
 * answer within `timeoutMs`, another protocol version), `ERR_INVALID_ARGUMENT` (not `host:port`).
 */
export function probeRpcWorker(endpoint: string, options: { timeoutMs?: number } = {}): Promise<{ endpoint: string; devices: RpcDevice[] }> {
  const { binding } = loadBinding();
  return new Promise((resolve, reject) => {
    callNative(() =>
      binding.probeRpcWorker(endpoint, options.timeoutMs ?? DEFAULTS.rpcTimeoutMs, (event) => {
        if (event.kind === 'done') resolve({ endpoint: event.endpoint, devices: event.devices });
        else reject(toError(event.error));
      }),
    );
  });
}

/** An RPC worker this process uses, with what the loaded models hold there. */
export interface RpcWorkerUse {
  endpoint: string;
  /** Each loaded model with layers on it: its file, and the layers it holds (`first`, `count`). */
  models: { path: string; layers: NativeLayerRange }[];
}

const spreadModels = new Set<Model>();

/** @internal Remembers a loaded model with layers on RPC workers, for {@link rpcWorkersInUse}. */
export function trackSpreadModel(model: Model): void {
  spreadModels.add(model);
}

/** The RPC workers the loaded models of this process use, and which layers each holds there. */
export function rpcWorkersInUse(): RpcWorkerUse[] {
  const byEndpoint = new Map<string, RpcWorkerUse>();
  for (const model of spreadModels) {
    if (model.disposed) {
      spreadModels.delete(model);
      continue;
    }
    for (const worker of model.info.rpc?.workers ?? []) {
      const use = byEndpoint.get(worker.endpoint) ?? { endpoint: worker.endpoint, models: [] };
      use.models.push({ path: model.info.path, layers: worker.layers });
      byEndpoint.set(worker.endpoint, use);
    }
  }
  return [...byEndpoint.values()];
}
