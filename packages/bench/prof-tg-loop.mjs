// Profile target: the tiny model's tg through @gpt4all/core, one evaluate() per token, with an
// unstripped build of the addon swapped in (same code, symbols kept) so perf can name functions.
import Module from 'node:module';
import { loadModel, resolveBackend } from '@gpt4all/core';
if (process.env.UNSTRIPPED) {
  const path = resolveBackend({ backend: 'cpu-avx2' }).binaryPath;
  const m = new Module(path);
  m.filename = path;
  process.dlopen(m, process.env.UNSTRIPPED);
  m.loaded = true;
  Module._cache[path] = m;
}
const model = await loadModel(process.argv[2], { backend: 'cpu-avx2' });
const ctx = await model.createContext({ contextSize: 128, batchSize: 512, threads: 2 });
const reps = Number(process.argv[3] ?? 40);
let wall = 0, native = 0;
for (let rep = 0; rep < reps; rep++) {
  await ctx.clear();
  const seq = [];
  const t = performance.now();
  for (let i = 0; i < 128; i++) { seq.push((i * 7919 + rep) % 32000); native += (await ctx.evaluate(seq)).ms; }
  wall += performance.now() - t;
}
console.log(`per token: wall ${(wall / reps / 128 * 1000).toFixed(0)} us, engine ${(native / reps / 128 * 1000).toFixed(0)} us`);
