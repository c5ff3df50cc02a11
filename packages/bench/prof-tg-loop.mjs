// Profile target: tiny-model decode, one evaluate() call per token (the tg figure's path).
import { loadModel } from '@gpt4all/core';
const model = await loadModel(process.argv[2]);
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
console.log(`per token: wall ${(wall / reps / 128 * 1000).toFixed(0)} us, native ${(native / reps / 128 * 1000).toFixed(0)} us`);
