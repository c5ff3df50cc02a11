import { defineConfig } from 'vitest/config';

// Native addons run in forked processes. The machine is small and shared, so at most two
// test files run at once; every model is generated once by the global setup.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/global-setup.ts'],
  },
});
