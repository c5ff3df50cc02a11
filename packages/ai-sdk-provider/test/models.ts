// The generated models of the integration packages' tests (random weights, real tokenizers and
// chat templates; see @gpt4all/test-models), written once into .cache/test-models.
export { integrationTestModelPath as testModelPath } from '@gpt4all/test-models';

/** One thread per context: the test machine has two shared cores (see @gpt4all/chat's tests). */
export const loadOptions = { threads: 1, catalog: false } as const;
