import { defineConfig } from 'tsup';

// A private command-line tool: ESM only, no declarations. worker.ts is the engine process that
// cli.ts starts once per job, so it is an entry of its own; memory-estimate.ts is `bench:memory`.
export default defineConfig({
  entry: ['src/cli.ts', 'src/worker.ts', 'src/memory-estimate.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  // A dev dependency, so tsup would bundle it; it must load from node_modules with its binaries.
  external: ['node-llama-cpp'],
});
