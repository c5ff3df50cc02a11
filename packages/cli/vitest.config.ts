import { nativeTestConfig } from '../../vitest.config.base.js';

// Every test runs the built `gpt4all` bin as a child process (the global setup builds it and
// writes the test models); each child loads a model with native threads, so one file at a time.
export default nativeTestConfig({ maxWorkers: 1, include: ['src/**/*.test.ts'], globalSetup: 'src/testing/global-setup.ts' });
