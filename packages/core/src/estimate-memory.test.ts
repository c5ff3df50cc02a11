import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { estimateMemory, fitGpuLayers, modelShapeOf, readModelShape, type ModelShape } from './estimate-memory.js';
import { parseGgufHeader, readGgufHeader } from './gguf-header.js';
import { loadModel, ModelLoadError, setLogHandler, type Device, type Model } from './index.js';

const MiB = 1024 * 1024;
/** llama.cpp prints sizes in MiB with two decimals: half the last digit, and a rounding error. */
const printed = 0.005 * MiB + 1;

let path: string;
let model: Model;
const lines: string[] = [];
beforeAll(async () => {
  path = await testModelPath('llamaSpm');
  setLogHandler((_level, line) => lines.push(line), 'info');
  model = await loadModel(path, { useMmap: false });
});
afterAll(async () => {
  setLogHandler(null);
  await model.dispose();
});

/** The log lines llama.cpp wrote while `action` ran (they arrive on later ticks). */
async function logOf(action: () => Promise<void>): Promise<string[]> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
  const start = lines.length;
  await action();
  await settle();
  return lines.slice(start);
}

/** The sum of the MiB figures of lines matching `pattern` (one per buffer type), in bytes. */
function reported(log: string[], pattern: RegExp): number {
  const sizes = log.map((line) => pattern.exec(line)).filter((m) => m !== null).map((m) => Number(m[1]) * MiB);
  expect(sizes.length, `no line matches ${pattern}`).toBeGreaterThan(0);
  return sizes.reduce((a, b) => a + b, 0);
}

describe('estimateMemory against the sizes llama.cpp reports', () => {
  it('weights: the model buffer sizes of load_tensors', async () => {
    const log = await logOf(async () => (await loadModel(path, { useMmap: false })).dispose());
    const estimate = estimateMemory(path, { contextSize: 512, devices: [] });
    expect(estimate.weights.gpu).toBe(0);
    expect(Math.abs(estimate.weights.cpu - reported(log, /model buffer size = +([\d.]+) MiB/))).toBeLessThanOrEqual(printed);
  });

  it.each([512, 2048])('KV cache and compute buffers of a %i-token context', async (contextSize) => {
    const log = await logOf(async () => (await model.createContext({ contextSize })).dispose());
    const estimate = estimateMemory(path, { contextSize, devices: [] });
    expect(Math.abs(estimate.kvCache.cpu - reported(log, /llama_kv_cache: size = +([\d.]+) MiB/))).toBeLessThanOrEqual(printed);
    const computeAndOutput = reported(log, /compute buffer size = +([\d.]+) MiB/) + reported(log, /output buffer size = +([\d.]+) MiB/);
    expect(Math.abs(estimate.compute.cpu - computeAndOutput)).toBeLessThanOrEqual(2 * printed);
    expect(estimate.total.cpu).toBe(estimate.weights.cpu + estimate.kvCache.cpu + estimate.compute.cpu);
    expect(estimate.kvCache.gpu + estimate.compute.gpu + estimate.total.gpu).toBe(0);
  });
});

describe('readGgufHeader', () => {
  it('reads the header only, and its tensors account for the rest of the file', () => {
    const header = readGgufHeader(path);
    const tensorBytes = header.tensors.reduce((sum, t) => sum + t.bytes, 0);
    expect(header.headerBytes + tensorBytes).toBe(statSync(path).size);
    expect(header.metadata['tokenizer.ggml.tokens']).toEqual({ arrayLength: model.info.vocabSize });
    expect(readModelShape(path)).toMatchObject({ layerCount: model.info.layerCount, embeddingLength: model.info.embeddingLength, vocabSize: model.info.vocabSize });
  });

  it('refuses a file that is not GGUF with a typed error', () => {
    const bad = join(tmpdir(), `not-gguf-${process.pid}.bin`);
    writeFileSync(bad, 'definitely not a model');
    try {
      expect(() => estimateMemory(bad)).toThrow(ModelLoadError);
      expect(() => estimateMemory(bad)).toThrow(expect.objectContaining({ code: 'ERR_NOT_GGUF', path: bad }));
      expect(() => estimateMemory(`${bad}.missing`)).toThrow(expect.objectContaining({ code: 'ERR_MODEL_NOT_FOUND' }));
    } finally {
      rmSync(bad);
    }
  });

  it('refuses a header that ends early, and sizes tensors from header bytes alone', () => {
    const bytes = readFileSync(path);
    const { headerBytes } = readGgufHeader(path);
    expect(() => parseGgufHeader(bytes.subarray(0, headerBytes - 100), bytes.length)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_GGUF' }));
    expect(modelShapeOf(parseGgufHeader(bytes.subarray(0, headerBytes), bytes.length))).toEqual(readModelShape(path));
  });
});

describe('gpuLayers: fitting the free VRAM', () => {
  // A 1.1B-like shape: 22 layers of 30 MB, an output layer of 70 MB.
  const shape: ModelShape = {
    layerCount: 22, embeddingLength: 2048, headCount: 32, headCountKv: 4, keyLength: 64, valueLength: 64, vocabSize: 32000,
    inputBytes: 36e6, layerBytes: new Array(22).fill(30e6), outputBytes: 70e6,
  };
  const gpu = (free: number): Device => ({ name: 'GPU0', description: 'fake', kind: 'gpu', backend: 'fake', memoryTotal: 80e9, memoryFree: free });

  it('places the last layers and the output layer on the GPU, as llama.cpp does', () => {
    const none = estimateMemory(shape, { contextSize: 2048, gpuLayers: 0, devices: [] });
    const one = estimateMemory(shape, { contextSize: 2048, gpuLayers: 1, devices: [] });
    const all = estimateMemory(shape, { contextSize: 2048, gpuLayers: 'max', devices: [] });
    expect(one.weights.gpu).toBe(70e6); // the output layer first
    expect(one.kvCache.gpu).toBe(0);
    expect(all.weights).toEqual({ cpu: 36e6, gpu: 22 * 30e6 + 70e6 }); // token_embd stays on the CPU
    expect(all.kvCache.gpu).toBe(none.kvCache.cpu);
    expect(none.kvCache.cpu).toBe(22 * 2048 * 4 * (64 + 64) * 2);
  });

  it('chooses more layers the more VRAM is free, all when everything fits, none without a GPU', () => {
    const chosen = [0.2e9, 0.4e9, 0.6e9, 2e9].map((free) => fitGpuLayers(shape, { contextSize: 2048, devices: [gpu(free)] }));
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
    expect(new Set(chosen).size).toBe(4);
    expect(chosen[3]).toBe(23);
    expect(fitGpuLayers(shape, { devices: [] })).toBe(0);
    for (const [i, free] of [0.2e9, 0.4e9, 0.6e9].entries()) {
      expect(estimateMemory(shape, { contextSize: 2048, gpuLayers: chosen[i]!, devices: [gpu(free)] }).total.gpu).toBeLessThanOrEqual(free);
      expect(estimateMemory(shape, { contextSize: 2048, gpuLayers: chosen[i]! + 1, devices: [gpu(free)] }).total.gpu).toBeGreaterThan(free);
    }
  });

  it('takes the free VRAM from GPT4ALL_GPU_FREE_MEMORY when set (for tests)', () => {
    const saved = process.env.GPT4ALL_GPU_FREE_MEMORY;
    try {
      process.env.GPT4ALL_GPU_FREE_MEMORY = String(0.4e9);
      const faked = fitGpuLayers(shape, { contextSize: 2048, devices: [gpu(80e9)] });
      expect(faked).toBe(fitGpuLayers(shape, { contextSize: 2048, devices: [gpu(0.4e9)] }));
      expect(faked).toBeLessThan(23);
      expect(estimateMemory(shape, { gpuLayers: 'max', devices: [gpu(80e9)] }).fits).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.GPT4ALL_GPU_FREE_MEMORY;
      else process.env.GPT4ALL_GPU_FREE_MEMORY = saved;
    }
  });

  it('fits compares the CPU total with the free RAM', () => {
    const total = estimateMemory(shape, { contextSize: 512, devices: [] }).total.cpu;
    expect(estimateMemory(shape, { contextSize: 512, devices: [], freeRam: total }).fits).toBe(true);
    expect(estimateMemory(shape, { contextSize: 512, devices: [], freeRam: total - 1 }).fits).toBe(false);
  });

  it("'auto', the default, puts no layer on a GPU-less backend", () => {
    expect(model.gpuLayers).toBe(0);
  });
});
