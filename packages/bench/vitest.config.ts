import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The smoke run starts llama.cpp's tools and several engine processes; on a busy 2-core
    // machine that takes a minute.
    testTimeout: 300_000,
  },
});
