import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  // The `gpt4all` bin. Its imports stay external: they are this package's dependencies, which
  // is all that `npx @gpt4all/cli` installs.
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  removeNodeProtocol: false,
  define: { __GPT4ALL_CLI_VERSION__: JSON.stringify(version) },
});
