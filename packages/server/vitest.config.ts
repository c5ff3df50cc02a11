import { defineConfig } from 'vitest/config';

// Native addons run in forked processes. The machine is small and shared: test files run one
// at a time (the load test measures a server's memory), and every model is generated once by
// the global setup, which also builds the child-process entry the SIGTERM and load tests run.
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
