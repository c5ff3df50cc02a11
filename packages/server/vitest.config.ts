import { nativeTestConfig } from '../../vitest.config.base.js';

// One test file at a time (the load test measures a server's memory); the global setup also
// builds the child-process entry that the SIGTERM and load tests run.
export default nativeTestConfig({ maxWorkers: 1, include: ['src/**/*.test.ts'], globalSetup: './test/global-setup.ts' });
