// Builds the `gpt4all` bin that every test runs as a child process (dist/cli.js, from the
// package's tsup.config.ts: what `pnpm build` makes), and writes the test models once, before
// the test files start.
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { testModelPath, testModels, type TestModelName } from './test-models.js';

export default async function setup(): Promise<void> {
  const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
  const cwd = process.cwd();
  process.chdir(packageRoot);
  try {
    await build({ silent: true });
  } finally {
    process.chdir(cwd);
  }
  for (const name of Object.keys(testModels) as TestModelName[]) await testModelPath(name);
}
