import { afterAll, beforeAll } from 'vitest';
import { createGpt4All, type Gpt4AllProvider, type Gpt4AllProviderSettings } from '../src/index.js';
import { loadOptions } from './models.js';

/** A provider created before a test file's tests and disposed after them (its models freed). */
export function useProvider(settings: Gpt4AllProviderSettings = {}): () => Gpt4AllProvider {
  let provider: Gpt4AllProvider | undefined;
  beforeAll(() => {
    provider = createGpt4All({ ...loadOptions, ...settings });
  });
  afterAll(async () => {
    await provider?.dispose();
  });
  return () => provider!;
}
