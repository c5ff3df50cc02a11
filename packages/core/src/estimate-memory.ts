import { availableRam } from './available-memory.js';
import { Gpt4AllError } from '@gpt4all/errors';
import { ModelLoadError } from './errors/model-load-error.js';
import { readGgufHeader, type GgufHeaderSummary } from './gguf-header.js';
import { listDevices, type Device } from './engine.js';
import { DEFAULTS } from './native/contract.js';

/**
 * What the estimate needs to know about a model: its hyperparameters and where its weight bytes
 * lie. {@link modelShapeOf} reads it from a GGUF file's header (or header bytes fetched before a
 * download); a catalog can also fill it in by hand.
 */
export interface ModelShape {
  /** Repeating layers (`<arch>.block_count`). */
  layerCount: number;
  /** `<arch>.embedding_length`. */
  embeddingLength: number;
  /** Attention heads (`<arch>.attention.head_count`). */
  headCount: number;
  /** Key/value heads (`<arch>.attention.head_count_kv`, default `headCount`). */
  headCountKv: number;
  /** Size of one key head (`<arch>.attention.key_length`, default `embeddingLength / headCount`). */
  keyLength: number;
  /** Size of one value head (`<arch>.attention.value_length`, default `embeddingLength / headCount`). */
  valueLength: number;
  vocabSize: number;
  /** The context length the model was trained with (`<arch>.context_length`), when known. */
  contextLength?: number;
  /** Bytes of the input layer's weights (`token_embd`), which llama.cpp always keeps on the CPU. */
  inputBytes: number;
  /** Bytes of each repeating layer's weights (`blk.<i>.*`), `layerCount` entries. */
  layerBytes: number[];
  /** Bytes of every other weight (`output`, `output_norm`, ...): llama.cpp's output layer. */
  outputBytes: number;
}

/** Options for {@link estimateMemory}. */
export interface EstimateMemoryOptions {
  /** Tokens of the KV cache. Default: what `createContext()` uses, {@link DEFAULTS}`.contextSize` capped at the trained length. */
  contextSize?: number;
  /** Layers on the GPU, counted as llama.cpp's `n_gpu_layers` (the output layer is the last of `layerCount + 1`). Default 0; `'max'` for all. */
  gpuLayers?: number | 'max';
  /** Tokens per micro-batch (`n_ubatch`). Default 512, as `createContext()` uses. */
  batchSize?: number;
  /** Whether flash attention runs (llama.cpp's `auto` turns it on for the CPU, CUDA, Metal and Vulkan). Default true. */
  flashAttention?: boolean;
  /** Bytes per KV-cache element. Default 2 (F16, `type_k`/`type_v` of `llama_context_default_params`). */
  kvBytesPerElement?: number;
  /** The devices to compare with; default {@link listDevices} of the backend that runs. */
  devices?: Device[];
  /** Free RAM to compare with, in bytes; default {@link availableRam}. */
  freeRam?: number;
}

/** Bytes on the CPU (RAM) and on the GPUs (VRAM, all devices together). */
export interface MemorySplit {
  cpu: number;
  gpu: number;
}

/** The result of {@link estimateMemory}; every figure in bytes. */
export interface MemoryEstimate {
  /** The weights, split by layer for `gpuLayers` (tensor sizes read from the GGUF header). */
  weights: MemorySplit;
  /** The KV cache: `contextSize × (headCountKv × keyLength + headCountKv × valueLength) × kvBytesPerElement` per layer, on the device of its layer. */
  kvCache: MemorySplit;
  /** llama.cpp's compute buffers (the worst-case graph) and the logits output buffer. */
  compute: MemorySplit;
  total: MemorySplit;
  /** The layers this estimate put on the GPU (0 to `layerCount + 1`). */
  gpuLayers: number;
  /** What it was compared with: free RAM and each GPU's free memory, in bytes. */
  available: { ram: number; gpus: { name: string; free: number }[] };
  /** Whether `total.cpu` fits the free RAM and `total.gpu` the free VRAM of all GPUs together. */
  fits: boolean;
}


/**
 * Estimates the memory a model takes once loaded with a context, without loading it: on a GGUF
 * file (only its header is read), or on a {@link ModelShape} known before a download.
 *
 * Each term follows llama.cpp (vendor/llama.cpp/src):
 * - **weights**: the sum of tensor sizes, as `load_tensors` allocates them (`model buffer size`
 *   in its log). Layers are placed as `llama_model::load_tensors` does: the input layer on the
 *   CPU, then with `n_gpu_layers = g` the last `g` of the `layerCount + 1` layers (the output
 *   layer last) on the GPU.
 * - **KV cache**: `llama_kv_cache` allocates, per layer, `n_ctx × n_embd_k_gqa` keys and
 *   `n_ctx × n_embd_v_gqa` values of `type_k`/`type_v` (F16 by default), on its layer's device
 *   (`offload_kqv` is on by default); its log line is `llama_kv_cache: size = …`.
 * - **compute**: `sched_reserve` sizes the compute buffer for the worst-case graph, a full
 *   micro-batch of `n_ubatch` tokens. With flash attention its peak is the last step, where the
 *   F32 logits of every token (`n_vocab × n_ubatch`) live with two F32 hidden states
 *   (`2 × n_embd × n_ubatch`: the final norm's input and output): `4 × n_ubatch × (n_vocab +
 *   2 × n_embd)` bytes; this matches llama.cpp's `compute buffer size` line to the byte for
 *   llama-shaped models on the CPU (see estimate-memory.test.ts). Without flash attention the
 *   F32 attention scores `4 × n_ctx × n_ubatch × n_head` can be larger and are taken instead when
 *   they are. Plus the logits output buffer, `4 × n_vocab` bytes (`output buffer size`), on the
 *   CPU. With layers on a GPU the graph runs there (llama.cpp also offloads the big matrix
 *   products of CPU weights for a full batch), so the GPU holds that buffer and the CPU one the
 *   input embeddings, `4 × n_ubatch × n_embd`; this split is an estimate, not measured here.
 *
 * Not modelled: sliding-window layers (their KV cache is smaller than counted here),
 * recurrent state (Mamba, RWKV), and driver overhead of the GPU.
 * Reading the header takes about 25 ms for a 600 MB model (a `vocabOnly` load with its metadata,
 * about 230 ms, and it has no tensor infos).
 * @throws {ModelLoadError} when the file is missing or not GGUF (`ERR_MODEL_NOT_FOUND`, `ERR_NOT_GGUF`, `ERR_INVALID_GGUF`).
 * @throws {BackendError} when `devices` is not given and no native variant can be loaded to list them.
 */
export function estimateMemory(model: string | ModelShape, options: EstimateMemoryOptions = {}): MemoryEstimate {
  const shape = typeof model === 'string' ? readModelShape(model) : model;
  const contextSize = options.contextSize ?? Math.min(shape.contextLength ?? DEFAULTS.contextSize, DEFAULTS.contextSize);
  const batch = Math.min(options.batchSize ?? DEFAULTS.batchSize, contextSize);
  const layers = shape.layerCount;
  const gpuLayers = options.gpuLayers === 'max' ? layers + 1 : Math.max(0, Math.min(options.gpuLayers ?? 0, layers + 1));
  if (!Number.isInteger(contextSize) || contextSize <= 0) throw new Gpt4AllError('ERR_INVALID_ARGUMENT', `contextSize must be a positive integer, got ${contextSize}`);
  const firstGpuLayer = layers + 1 - gpuLayers; // llama-model.cpp: i_gpu_start

  const weights = { cpu: shape.inputBytes, gpu: 0 };
  const kvCache = { cpu: 0, gpu: 0 };
  const kvPerLayer = contextSize * shape.headCountKv * (shape.keyLength + shape.valueLength) * (options.kvBytesPerElement ?? 2);
  for (let layer = 0; layer < layers; layer++) {
    const where = layer >= firstGpuLayer ? 'gpu' : 'cpu';
    weights[where] += shape.layerBytes[layer] ?? 0;
    kvCache[where] += kvPerLayer;
  }
  weights[layers >= firstGpuLayer ? 'gpu' : 'cpu'] += shape.outputBytes; // the output layer has index `layers`

  const f32 = 4;
  const graph = Math.max(
    f32 * batch * (shape.vocabSize + 2 * shape.embeddingLength),
    options.flashAttention === false ? f32 * batch * (contextSize * shape.headCount + 2 * shape.embeddingLength) : 0,
  );
  const outputBuffer = f32 * shape.vocabSize;
  const compute = gpuLayers > 0 ? { cpu: f32 * batch * shape.embeddingLength + outputBuffer, gpu: graph } : { cpu: graph + outputBuffer, gpu: 0 };

  const total = { cpu: weights.cpu + kvCache.cpu + compute.cpu, gpu: weights.gpu + kvCache.gpu + compute.gpu };
  const gpus = gpuDevices(options.devices);
  const ram = options.freeRam ?? availableRam();
  const vram = gpus.reduce((sum, d) => sum + d.free, 0);
  const fits = total.cpu <= ram && total.gpu <= vram;
  return { weights, kvCache, compute, total, gpuLayers, available: { ram, gpus }, fits };
}

/**
 * The most layers (llama.cpp's `n_gpu_layers`, 0 to `layerCount + 1`) whose GPU memory per
 * {@link estimateMemory} fits the free VRAM of `devices` (0 when there is no GPU): what
 * `loadModel`'s `gpuLayers: 'auto'` uses.
 */
export function fitGpuLayers(model: string | ModelShape, options: Omit<EstimateMemoryOptions, 'gpuLayers'> = {}): number {
  const shape = typeof model === 'string' ? readModelShape(model) : model;
  const base = { ...options, freeRam: options.freeRam ?? 0 };
  const vram = gpuDevices(options.devices).reduce((sum, d) => sum + d.free, 0);
  let best = 0;
  for (let layers = 1; layers <= shape.layerCount + 1; layers++) {
    if (estimateMemory(shape, { ...base, gpuLayers: layers }).total.gpu > vram) break;
    best = layers;
  }
  return best;
}

/**
 * The GPUs of `devices` (default: the running backend's) and their free memory.
 * `GPT4ALL_GPU_FREE_MEMORY` (bytes) replaces each GPU's free memory, to test how `gpuLayers:
 * 'auto'` and `fits` behave with less VRAM.
 */
function gpuDevices(devices: Device[] | undefined): { name: string; free: number }[] {
  const override = process.env.GPT4ALL_GPU_FREE_MEMORY;
  return (devices ?? listDevices())
    .filter((d) => d.kind === 'gpu' || d.kind === 'igpu')
    .map((d) => ({ name: d.name, free: override !== undefined && override !== '' ? Number(override) : d.memoryFree }));
}

/** The {@link ModelShape} of a GGUF header (from {@link readGgufHeader}, or `parseGgufHeader` on fetched bytes). */
export function modelShapeOf(header: GgufHeaderSummary, path = '<header>'): ModelShape {
  const meta = header.metadata;
  const arch = meta['general.architecture'];
  const num = (key: string): number | undefined => {
    const value = meta[`${String(arch)}.${key}`];
    return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
  };
  const required = (key: string): number => {
    const value = num(key);
    if (value === undefined) throw new ModelLoadError('ERR_INVALID_GGUF', `${path}: ${String(arch)}.${key} is missing`, path);
    return value;
  };
  const layerCount = required('block_count');
  const embeddingLength = required('embedding_length');
  // A per-layer array (OpenELM) is not decoded; its largest value is unknown, so count every head.
  const headCount = num('attention.head_count') ?? 1;
  const headCountKv = num('attention.head_count_kv') ?? headCount;
  const tokens = meta['tokenizer.ggml.tokens'];
  const vocabSize = num('vocab_size') ?? (typeof tokens === 'object' && 'arrayLength' in tokens ? tokens.arrayLength : 0);
  const layerBytes = new Array<number>(layerCount).fill(0);
  let inputBytes = 0;
  let outputBytes = 0;
  for (const tensor of header.tensors) {
    const layer = /^blk\.(\d+)\./.exec(tensor.name);
    if (layer && Number(layer[1]) < layerCount) layerBytes[Number(layer[1])]! += tensor.bytes;
    else if (tensor.name.startsWith('token_embd')) inputBytes += tensor.bytes;
    else outputBytes += tensor.bytes;
  }
  return {
    layerCount,
    embeddingLength,
    headCount,
    headCountKv,
    keyLength: num('attention.key_length') ?? embeddingLength / headCount,
    valueLength: num('attention.value_length') ?? embeddingLength / headCount,
    vocabSize,
    contextLength: num('context_length'),
    inputBytes,
    layerBytes,
    outputBytes,
  };
}

/** The {@link ModelShape} of a GGUF file, from its header only. */
export function readModelShape(path: string): ModelShape {
  return modelShapeOf(readGgufHeader(path), path);
}
