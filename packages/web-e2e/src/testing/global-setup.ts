// Writes the test models once and checks that there is a Chromium to drive, before any test file starts.
import { chromiumPath } from './browser.js';
import { testModelPath, testModels, type TestModelName } from './test-models.js';

export default async function setup(): Promise<void> {
  chromiumPath();
  for (const name of Object.keys(testModels) as TestModelName[]) await testModelPath(name);
}
