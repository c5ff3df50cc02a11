import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// The engine suite runs once per installed CPU variant, each forced with GPT4ALL_BACKEND, so
// both packages are proven on this machine. Native addons run in forked processes.
const variants = ['cpu-avx2', 'cpu-avx'];

export default defineConfig({
  define: { __GPT4ALL_CORE_VERSION__: JSON.stringify(version) },
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/global-setup.ts'],
    projects: variants.map((variant) => ({
      extends: true,
      test: { name: variant, env: { GPT4ALL_BACKEND: variant } },
    })),
  },
});
