import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 900_000,
    globalSetup: ['./support/global-setup.ts'],
  },
});
