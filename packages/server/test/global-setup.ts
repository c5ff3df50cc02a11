import { build } from 'tsup';
import { TEST_MODEL_NAMES, testModelPath } from './models.js';
import { CHILD_BUILD_DIR } from './child-server.js';

// Write every test model once, before test files start; and build the package (ESM, no types)
// for the tests that run a server in a child process (SIGTERM, load), which import it from there.
export default async function setup() {
  for (const name of TEST_MODEL_NAMES) await testModelPath(name);
  await build({ entry: { index: 'src/index.ts' }, format: ['esm'], outDir: CHILD_BUILD_DIR, target: 'node20', dts: false, sourcemap: false, clean: true, silent: true, config: false });
}
