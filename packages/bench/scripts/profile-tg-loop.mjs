#!/usr/bin/env node
// The tiny model's tg through @gpt4all/core (one `evaluate` call per token), alone, for profilers.
// This is how the README's Performance section found where the per-token cost goes:
//
//   # an addon with symbols (the release profile strips them); same code, separate target dir
//   CARGO_TARGET_DIR=/tmp/prof-target CARGO_PROFILE_RELEASE_STRIP=none \
//     cargo build --release --manifest-path crates/node/Cargo.toml --features cpu-avx2
//   export UNSTRIPPED=/tmp/prof-target/release/libgpt4all_node.so
//   perf record -F 9999 -g node packages/bench/scripts/profile-tg-loop.mjs <tiny.gguf> 40
//   perf report --no-children --sort comm,sym
//   perf stat -e task-clock,page-faults,context-switches node packages/bench/scripts/profile-tg-loop.mjs <tiny.gguf> 40
//   strace -f -c node packages/bench/scripts/profile-tg-loop.mjs <tiny.gguf> 5
//
// and the same for llama-bench -t 2 -p 0 -n 128 -r 40 as the reference.
import Module from 'node:module';
import { loadModel, resolveBackend } from '@gpt4all/core';

const [modelPath, repsArg = '40'] = process.argv.slice(2);
if (!modelPath) throw new Error('usage: profile-tg-loop.mjs <model.gguf> [reps]');
if (process.env.UNSTRIPPED) {
  // Put the unstripped build where @gpt4all/core will `require` its addon from.
  const path = resolveBackend({ backend: 'cpu-avx2' }).binaryPath;
  const addon = new Module(path);
  addon.filename = path;
  process.dlopen(addon, process.env.UNSTRIPPED);
  addon.loaded = true;
  Module._cache[path] = addon;
}
const model = await loadModel(modelPath, { backend: 'cpu-avx2' });
const context = await model.createContext({ contextSize: 128, batchSize: 512, threads: 2 });
const reps = Number(repsArg);
let wallMs = 0;
let engineMs = 0;
for (let rep = 0; rep < reps; rep++) {
  await context.clear();
  const sequence = [];
  const started = performance.now();
  for (let i = 0; i < 128; i++) {
    sequence.push((i * 7919 + rep) % model.info.vocabSize);
    engineMs += (await context.evaluate(sequence)).ms;
  }
  wallMs += performance.now() - started;
}
const perToken = (ms) => ((ms / reps / 128) * 1000).toFixed(0);
console.log(`per token: ${perToken(wallMs)} µs as JavaScript sees it, ${perToken(engineMs)} µs inside the native call`);
await model.dispose();
