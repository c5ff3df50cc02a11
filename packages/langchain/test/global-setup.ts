import { testModelPath, testModels, type TestModelName } from './models.js';

// Write every test model once, before the test files start.
export default async function setup() {
  for (const name of Object.keys(testModels) as TestModelName[]) await testModelPath(name);
}
