import { nativeTestConfig } from '../../vitest.config.base.js';

// At most two test files at once; the examples (test/examples.test.ts) run too.
export default nativeTestConfig({ maxWorkers: 2, globalSetup: './test/global-setup.ts' });
