import { defineConfig } from 'vitest/config';

// Native addons run in forked processes. The machine is small and shared: one test file at a
// time, and every model is generated once by the global setup.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/global-setup.ts'],
  },
});
