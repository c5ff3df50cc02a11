import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Writing models is I/O and CPU heavy; the suite shares small CI machines.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
