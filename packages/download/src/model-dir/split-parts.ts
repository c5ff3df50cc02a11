/**
 * llama.cpp's split models (`gguf-split`): `<prefix>-00001-of-00003.gguf`, `-00002-of-00003`, ...
 * llama.cpp loads the first part and finds the others by this naming (`llama_split_path`).
 */
export interface SplitParts {
  /** Index of the named part, from 1. */
  index: number;
  /** Number of parts. */
  count: number;
  /** Every part's name, first part first, in the same folder as the one given. */
  names: string[];
}

const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * The split set a file name (or repository path) belongs to, or `undefined` for a single file.
 * Names whose index is 0 or above the count are not split parts.
 */
export function splitParts(name: string): SplitParts | undefined {
  const match = SPLIT.exec(name);
  if (!match) return undefined;
  const [, prefix, indexText, countText] = match as unknown as [string, string, string, string];
  const index = Number(indexText);
  const count = Number(countText);
  if (index < 1 || count < 1 || index > count) return undefined;
  const extension = name.slice(-'.gguf'.length);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}-of-${countText}${extension}`);
  return { index, count, names };
}
