import { INTEGRATION_TEST_MODELS, integrationTestModelPath } from '@gpt4all/test-models';

// Write every test model once, before the test files start.
export default async function setup() {
  for (const name of Object.keys(INTEGRATION_TEST_MODELS) as (keyof typeof INTEGRATION_TEST_MODELS)[]) await integrationTestModelPath(name);
}
