import { defineConfig } from 'tsup';

/** How every library package is built: ESM and CommonJS from src/index.ts, with types, for Node 20. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
