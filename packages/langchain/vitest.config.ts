import { nativeTestConfig } from '../../vitest.config.base.js';

// One test file at a time: each loads its own models.
export default nativeTestConfig({ maxWorkers: 1, include: ['src/**/*.test.ts'], globalSetup: './test/global-setup.ts' });
