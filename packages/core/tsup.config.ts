import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // createRequire(import.meta.url) must work in the CommonJS build too.
  shims: true,
  // The loader rejects a platform package whose version differs from this one.
  define: { __GPT4ALL_CORE_VERSION__: JSON.stringify(version) },
});
