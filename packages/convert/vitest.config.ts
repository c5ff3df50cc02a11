import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The first run prepares the converter's Python environment (about 5 GB from PyPI).
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
