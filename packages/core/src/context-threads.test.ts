// The CPU threads a context computes with: the ones asked for, else the physical cores this
// process may use (hyper-threads slow ggml's decoding down), as llama.cpp chooses by default.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadModel, type Context, type ContextOptions, type Model } from './index.js';

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

/** The ids of this process's threads, as the kernel lists them. */
const threadIds = () => new Set(readdirSync('/proc/self/task'));

/**
 * Creates a context and returns it with the threads its creation started, seen in /proc rather than
 * taken from the context: ggml's CPU threads plus the context's worker thread, which computes
 * alongside them (ggml's thread 0).
 */
async function createCounted(options: ContextOptions): Promise<{ context: Context; started: string[] }> {
  const before = threadIds();
  const context = await model.createContext(options);
  return { context, started: [...threadIds()].filter((id) => !before.has(id)) };
}

const onLinux = process.platform === 'linux';

describe('context threads', () => {
  it.runIf(onLinux)('are the ones asked for: that many threads compute, and go with the context', async () => {
    for (const threads of [1, 3]) {
      const { context, started } = await createCounted({ contextSize: 256, threads });
      expect(started).toHaveLength(threads);
      expect(context.threads).toBe(threads);
      const { tokens } = await context.generate('Hello', { maxTokens: 4, temperature: 0 });
      expect(tokens.length).toBeGreaterThan(0);
      await context.dispose();
      // ggml's threads are joined when the context is freed; the worker thread ends on its own.
      const left = threadIds();
      expect(started.filter((id) => left.has(id)).length).toBeLessThanOrEqual(1);
    }
  });

  it('default to the physical cores this process may use', async () => {
    const { context, started } = onLinux ? await createCounted({ contextSize: 256 }) : { context: await model.createContext({ contextSize: 256 }), started: [] };
    await using _ = context;
    expect(context.threads).toBeGreaterThanOrEqual(1);
    expect(context.threads).toBeLessThanOrEqual(availableParallelism());
    const physical = onLinux ? physicalCoresFromCpuinfo() : undefined;
    if (physical !== undefined) {
      expect(started).toHaveLength(Math.min(physical, availableParallelism()));
      expect(context.threads).toBe(started.length);
    }
  });
});
