import { defineConfig } from 'vitest/config';

// Every test runs the built `gpt4all` bin as a child process (the global setup builds it and
// writes the test models). The machine is small and shared, and each child loads a model with
// native threads, so test files run one at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    globalSetup: ['src/testing/global-setup.ts'],
  },
});
