import { fileURLToPath } from 'node:url';

/**
 * A file of this package by its path from the package root (`python/requirements.txt`): the
 * bundled converter and our Python code sit beside `dist/`, from which this module runs.
 */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(`../${path}`, import.meta.url));
}
