// `pnpm --filter @gpt4all/bench bench:memory`: how close estimateMemory comes to what a loaded
// model really takes, on the 1.1B benchmark model at two context sizes.
//
// "RSS increase" here is the resident set of a fresh child process after it has loaded the model
// with `useMmap: false` (so every weight is read into anonymous memory, as on a GPU-less machine
// where mmap'd pages would become resident on first use anyway), created the context and
// evaluated one full 512-token batch (so the compute buffer is touched and the KV cache written),
// minus its RSS once the addon is loaded and before the model is. The child measures; the parent
// compares. Exit code 1 when an estimate is more than 10% off.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { estimateMemory, listDevices, loadModel } from '@gpt4all/core';
import { ensureBenchModel } from './models.js';
import { randomTokens } from './random-tokens.js';

const contextSizes = [512, 2048];
const batchTokens = 512;
const tolerance = 0.1;
const MiB = 1024 * 1024;

interface Measured {
  contextSize: number;
  baselineRss: number;
  rss: number;
}

async function child(path: string, contextSize: number): Promise<Measured> {
  listDevices(); // the addon's code is part of the baseline, not of the model
  const baselineRss = process.memoryUsage().rss;
  const model = await loadModel(path, { useMmap: false, gpuLayers: 0 });
  const context = await model.createContext({ contextSize, batchSize: batchTokens });
  const { vocabSize } = model.info;
  await context.evaluate(randomTokens({ vocabSize, bosToken: 1 }, Math.min(batchTokens, contextSize), 1));
  const rss = process.memoryUsage().rss;
  await model.dispose();
  return { contextSize, baselineRss, rss };
}

async function main(): Promise<void> {
  const [mode, path, size] = process.argv.slice(2);
  if (mode === '--child') {
    process.stdout.write(JSON.stringify(await child(path!, Number(size))));
    return;
  }
  const model = await ensureBenchModel((line) => console.error(line));
  let worst = 0;
  console.log(`${model.label}: ${model.path}`);
  console.log('| context | estimate (MiB): weights + KV + compute = total | RSS increase (MiB) | error |');
  console.log('|---|---|---|---|');
  for (const contextSize of contextSizes) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', model.path, String(contextSize)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const measured = JSON.parse(out) as Measured;
    const estimate = estimateMemory(model.path, { contextSize, devices: [] });
    const increase = measured.rss - measured.baselineRss;
    const error = estimate.total.cpu / increase - 1;
    worst = Math.max(worst, Math.abs(error));
    const mib = (n: number) => (n / MiB).toFixed(1);
    console.log(
      `| ${contextSize} | ${mib(estimate.weights.cpu)} + ${mib(estimate.kvCache.cpu)} + ${mib(estimate.compute.cpu)} = ${mib(estimate.total.cpu)} | ${mib(increase)} | ${(error * 100).toFixed(1)}% |`,
    );
  }
  if (worst > tolerance) {
    console.error(`an estimate is ${(worst * 100).toFixed(1)}% off, more than ${tolerance * 100}%`);
    process.exitCode = 1;
  }
}

await main();
