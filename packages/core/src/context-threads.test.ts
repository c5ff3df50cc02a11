// The CPU threads a context computes with: the ones asked for, else the physical cores this
// process may use (hyper-threads slow ggml's decoding down), as llama.cpp chooses by default.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadModel, type Model } from './index.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel(await testModelPath('llamaSpm'));
});
afterAll(() => model.dispose());

/** Distinct (package, core) pairs in /proc/cpuinfo: the physical cores, read independently. */
function physicalCoresFromCpuinfo(): number | undefined {
  const cores = new Set<string>();
  for (const block of readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')) {
    const field = (name: string) => block.match(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm'))?.[1];
    const [packageId, coreId] = [field('physical id'), field('core id')];
    if (field('processor') === undefined) continue;
    if (packageId === undefined || coreId === undefined) return undefined;
    cores.add(`${packageId}:${coreId}`);
  }
  return cores.size || undefined;
}

describe('context threads', () => {
  it('are the ones asked for', async () => {
    await using context = await model.createContext({ contextSize: 256, threads: 1 });
    expect(context.threads).toBe(1);
    const { tokens } = await context.generate('Hello', { maxTokens: 4, temperature: 0 });
    expect(tokens.length).toBeGreaterThan(0);
  });

  it('default to the physical cores this process may use', async () => {
    await using context = await model.createContext({ contextSize: 256 });
    expect(context.threads).toBeGreaterThanOrEqual(1);
    expect(context.threads).toBeLessThanOrEqual(availableParallelism());
    const physical = process.platform === 'linux' ? physicalCoresFromCpuinfo() : undefined;
    if (physical !== undefined) expect(context.threads).toBe(Math.min(physical, availableParallelism()));
  });
});
