import { nativeTestConfig } from '../../vitest.config.base.js';

// Each file starts its own `gpt4all serve` (a process with native threads) and a Chromium: one file at a time.
export default nativeTestConfig({ maxWorkers: 1, include: ['src/**/*.test.ts'], globalSetup: 'src/testing/global-setup.ts' });
