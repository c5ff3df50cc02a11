import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  // doctor.ts is the `gpt4all-doctor` bin; it shares chunks with the library's ESM build.
  entry: ['src/index.ts', 'src/doctor.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // createRequire(import.meta.url) must work in the CommonJS build too.
  shims: true,
  // The loader rejects a platform package whose version differs from this one.
  define: { __GPT4ALL_CORE_VERSION__: JSON.stringify(version) },
});
