import { defineConfig } from 'vitest/config';

/**
 * The test settings of the packages whose tests load models with the native addon: test files
 * run in forked processes, at most `maxWorkers` at once (the machine is small and shared, and each
 * file's models run native threads), after a global setup that writes the test models once.
 */
export function nativeTestConfig(options: { maxWorkers: number; globalSetup: string; include?: string[] }) {
  return defineConfig({
    test: {
      ...(options.include && { include: options.include }),
      pool: 'forks',
      maxWorkers: options.maxWorkers,
      testTimeout: 60_000,
      hookTimeout: 300_000,
      globalSetup: [options.globalSetup],
    },
  });
}
