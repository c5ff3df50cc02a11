import { abortError, abortFlagFor } from './abort.js';
import { Context, type ContextOptions } from './context.js';
import { Gpt4AllError } from '@gpt4all/errors';
import type { RpcError } from './errors/rpc-error.js';
import { callNative, toError } from './errors/to-error.js';
import { fitGpuLayers } from './estimate-memory.js';
import type { NativeModelInfo } from './native/binding.js';
import { loadBinding, type NativeBinding } from './native/load-binding.js';
import type { BackendResolution } from './resolve-backend.js';
import { trackSpreadModel } from './rpc-worker.js';

type NativeModel = InstanceType<NativeBinding['NativeModel']>;

/** Options for {@link loadModel}. */
export interface LoadModelOptions {
  /** Force a native variant (`cpu-avx2`, `cuda`, ...) instead of the best one for this machine. */
  backend?: string;
  /**
   * Force one of ggml's CPU levels (`haswell`, `sse42`, ...) instead of the best this CPU runs.
   * One level serves the whole process, so it counts only before the first model loads.
   */
  cpuLevel?: string;
  /**
   * Layers to put on the GPU, counted as llama.cpp's `n_gpu_layers` (the output layer is one
   * more than `info.layerCount`): `'auto'` (the default) as many as the free VRAM holds by
   * {@link estimateMemory} with the default context, which is 0 on CPU backends; `'max'` all of
   * them; or a count.
   */
  gpuLayers?: 'auto' | 'max' | number;
  /** Called with the load progress, from 0 to 1. */
  onProgress?: (progress: number) => void;
  /** Cancels the load; the promise then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /** Load only the vocabulary (no weights): enough to tokenize, and fast. */
  vocabOnly?: boolean;
  /** Memory-map the file (default true). */
  useMmap?: boolean;
  /**
   * RPC workers (`host:port`, each started with `gpt4all rpc-worker` or {@link serveRpcWorker})
   * that hold part of the layers, so that a model too large for one machine runs across several
   * (llama.cpp's RPC backend, `ggml-rpc`). This machine keeps the first layers (on its GPUs
   * instead when `gpuLayers` is not 0 on a GPU backend); the workers take the rest, in order, the
   * output layer on the last. `info.rpc` says which layers each holds. The protocol has no
   * authentication or encryption: use workers on a trusted network or through an SSH tunnel.
   * Errors: `RpcError` (`ERR_RPC_UNAVAILABLE`) when a worker refuses the connection, does not
   * answer within `rpcTimeoutMs`, or speaks another protocol version; a model whose worker fails
   * later fails every call with it, and other models go on.
   */
  rpcWorkers?: string[];
  /**
   * With `rpcWorkers`: the share of the layers for this machine, then for each worker (weights,
   * such as `[1, 2, 2]`; 0 leaves a place empty). Default: by free memory, as llama.cpp splits
   * between GPUs (a worker started with `--mem` offers that much).
   */
  rpcSplit?: number[];
  /**
   * With `rpcWorkers`: milliseconds a worker may take to answer one request (a prompt batch's
   * compute of its layers included) before the model fails with `ERR_RPC_UNAVAILABLE`. Default
   * `DEFAULTS.rpcTimeoutMs`.
   */
  rpcTimeoutMs?: number;
}

/** What a model is: its GGUF metadata and llama.cpp's figures (fields documented in the native contract). */
export interface ModelInfo extends NativeModelInfo {
  /** Every GGUF key/value (read on first access). */
  readonly metadata: Record<string, unknown>;
}

/** A control token of the vocabulary: its id and its text (`<|im_start|>`). */
export interface ControlToken {
  id: number;
  text: string;
}

/** Options for {@link Model.tokenize}. */
export interface TokenizeOptions {
  /** Turn special-token text such as `<|im_start|>` into those tokens. Leave off for untrusted text. Default false. */
  special?: boolean;
  /** Add the BOS/EOS tokens the model expects around a sequence. Default false. */
  addSpecial?: boolean;
}

/** Options for {@link Model.embed}. */
export interface EmbedOptions {
  /** Scale each vector to unit length. Default true. */
  normalize?: boolean;
  signal?: AbortSignal;
}

/**
 * Loads a GGUF model. The file's structure is checked before llama.cpp reads it, so a missing,
 * truncated or corrupt file is a {@link ModelLoadError}, never a crash.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Model> {
  const { binding, resolution } = loadBinding({ ...(options.backend !== undefined && { backend: options.backend }), ...(options.cpuLevel !== undefined && { cpuLevel: options.cpuLevel }) });
  const onGpu = binding.listDevices().some((d) => d.kind === 'gpu' || d.kind === 'igpu');
  const asked = options.gpuLayers ?? 'auto';
  // With RPC workers, 'auto' keeps this machine's share on its GPUs when it has any.
  const spread = (options.rpcWorkers?.length ?? 0) > 0;
  const gpuLayers = asked !== 'auto' ? asked : onGpu && !options.vocabOnly ? (spread ? 'max' : autoGpuLayers(path, binding)) : 0;
  const { flag, release } = abortFlagFor(binding, options.signal);
  try {
    const native = await new Promise<NativeModel>((resolve, reject) => {
      const nativeOptions = {
        gpuLayers: gpuLayers === 'max' ? -1 : gpuLayers,
        useMmap: options.useMmap ?? true,
        vocabOnly: options.vocabOnly ?? false,
        ...(options.rpcWorkers !== undefined && { rpcWorkers: options.rpcWorkers }),
        ...(options.rpcSplit !== undefined && { rpcSplit: options.rpcSplit }),
        ...(options.rpcTimeoutMs !== undefined && { rpcTimeoutMs: options.rpcTimeoutMs }),
      };
      callNative(() =>
        binding.loadModel(path, nativeOptions, flag, (event) => {
          if (event.kind === 'progress') options.onProgress?.(event.progress);
          else if (event.kind === 'done') resolve(event.model);
          else reject(event.error.code === 'ERR_ABORTED' ? abortError(options.signal) : toError(event.error, { path }));
        }),
      );
    });
    const model = new Model(native, binding, resolution, gpuLayers === 'max' ? -1 : gpuLayers);
    if (model.info.rpc) trackSpreadModel(model);
    return model;
  } finally {
    release();
  }
}

/**
 * `gpuLayers: 'auto'` on a GPU backend: as many layers as fit. A file whose header cannot be read
 * gets 0 here, so that the load itself reports what is wrong with it, as for any other setting.
 */
function autoGpuLayers(path: string, binding: NativeBinding): number {
  try {
    return fitGpuLayers(path, { devices: binding.listDevices() });
  } catch {
    return 0;
  }
}

/** A loaded model. Create contexts from it to generate; share it between them. */
export class Model {
  /** What the model is. */
  readonly info: ModelInfo;
  /** The native variant this model runs on, and why it was chosen. */
  readonly backend: BackendResolution;
  /** The layers asked to run on the GPU (`'auto'` resolved); -1 for all. */
  readonly gpuLayers: number;
  #native: NativeModel;
  #controlTokens: ControlToken[] | undefined;
  #binding: NativeBinding;
  #contexts = new Set<Context>();
  #embeddingContext: Promise<Context> | undefined;
  #disposed = false;

  /** @internal Use {@link loadModel}. */
  constructor(native: NativeModel, binding: NativeBinding, backend: BackendResolution, gpuLayers: number) {
    this.#native = native;
    this.gpuLayers = gpuLayers;
    this.#binding = binding;
    this.backend = backend;
    this.info = withMetadata(native.info(), () => native.metadata());
  }

  /** Splits text into token ids. */
  tokenize(text: string, options: TokenizeOptions = {}): number[] {
    this.#check();
    return callNative(() => this.#native.tokenize(text, options.addSpecial ?? false, options.special ?? false));
  }

  /** Joins token ids into text. `special` renders control tokens as their text. */
  detokenize(tokens: number[], options: { special?: boolean } = {}): string {
    this.#check();
    return callNative(() => this.#native.detokenize(tokens, options.special ?? false));
  }

  /**
   * The control tokens of the vocabulary (`<s>`, `<|im_start|>`, `<|eot_id|>`, ...) with their
   * text, in vocabulary order: the tokens that text becomes only when tokenized with
   * `special: true`, and that render as nothing unless detokenized with `special: true` (llama.cpp
   * token attributes CONTROL and UNKNOWN). Listed once per model.
   */
  controlTokens(): ControlToken[] {
    this.#check();
    this.#controlTokens ??= callNative(() => this.#native.controlTokens());
    return this.#controlTokens.map((token) => ({ ...token }));
  }

  /** Whether `token` ends generation (EOS, EOT and the like). */
  isEndOfGeneration(token: number): boolean {
    this.#check();
    return callNative(() => this.#native.isEndOfGeneration(token));
  }

  /** Creates a context (a KV cache) for generation or embeddings. */
  async createContext(options: ContextOptions = {}): Promise<Context> {
    this.#check();
    const native = callNative(() => new this.#binding.NativeContext(this.#native, options));
    const context = new Context(this, this.#binding, native, (c) => this.#contexts.delete(c));
    this.#contexts.add(context);
    return context;
  }

  /**
   * Embeds each text into one vector of `info.embeddingLength` numbers, pooled as the model
   * specifies (mean pooling for generative models). Texts are batched together.
   * @throws {ContextOverflowError} for a text longer than the model's context.
   */
  async embed(texts: string | string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.#check();
    const inputs = (Array.isArray(texts) ? texts : [texts]).map((t) => this.tokenize(t, { addSpecial: true }));
    return this.embedTokens(inputs, options);
  }

  /**
   * Embeds token sequences (each already holding the BOS/CLS tokens the model expects), for
   * callers that split or truncate long texts by tokens.
   */
  async embedTokens(inputs: number[][], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.#check();
    if (inputs.length === 0) return [];
    this.#embeddingContext ??= this.createContext({ embeddings: true, contextSize: this.embeddingContextSize });
    const context = await this.#embeddingContext;
    return context.embedTokens(inputs, options.normalize ?? true, options.signal);
  }

  /** The most tokens one input of {@link Model.embed} may have. */
  get embeddingContextSize(): number {
    return Math.min(this.info.contextLength, 4096);
  }

  /** Disposes every context of this model, then releases the weights. Calling it again does nothing. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([...this.#contexts].map((c) => c.dispose()));
    this.#native.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * For a model spread over RPC workers (`rpcWorkers`): the `RpcError` of the worker that failed,
   * once one has (every call on the model then fails with it; dispose it and load it again), else
   * undefined. Always undefined for a local model.
   */
  rpcError(): RpcError | undefined {
    this.#check();
    const failure = this.info.rpc ? callNative(() => this.#native.rpcFailure()) : null;
    return failure ? (toError(failure, { path: this.info.path }) as RpcError) : undefined;
  }

  #check() {
    if (this.#disposed) throw new Gpt4AllError('ERR_DISPOSED', 'the model has been disposed');
  }
}

function withMetadata(native: NativeModelInfo, readMetadata: () => Record<string, unknown>): ModelInfo {
  let metadata: Record<string, unknown> | undefined;
  return Object.defineProperty({ ...native }, 'metadata', { get: () => (metadata ??= readMetadata()), enumerable: true }) as ModelInfo;
}
