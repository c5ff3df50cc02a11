import { splitParts } from '../model-dir/split-parts.js';

/** Outcome of {@link selectQuantFile}. */
export type QuantSelection =
  | { found: true; path: string }
  | { found: false; available: string[] };

// A quantisation name found in a GGUF file name: `Q4_K_M`, `IQ2_XXS`, `Q8_0`, `F16`, `BF16`,
// `TQ1_0`, `MXFP4_MOE`, with an optional `UD-` (Unsloth dynamic) prefix.
const QUANT_IN_NAME = /(?:^|[-._])((?:UD-)?(?:I?Q\d+(?:_[A-Z0-9]+)*|TQ\d_\d|BF16|F16|F32|MXFP4(?:_MOE)?))(?=[-.])/gi;

/**
 * Chooses the GGUF file of a repository listing (`paths` as the Hub lists them, `a/b.gguf`) whose
 * file name contains the quantisation `quant`, ignoring case, as a whole token: preceded by the
 * start, `-`, `.` or `_`, and followed by `-` or `.` (so `Q4_K` does not match `Q4_K_M`).
 * Multimodal projectors (`mmproj*`) are never chosen.
 *
 * A split model counts once, by its first part. When several match, the rule is:
 * 1. a single file before a split model;
 * 2. then the shortest path (the plain name before variants such as `-imatrix` or a sub-folder);
 * 3. then the path in code-point order.
 *
 * Returns the chosen path (a split model's first part), or the quantisations that the GGUF file
 * names do contain (upper case, sorted, unique) when none matches.
 */
export function selectQuantFile(paths: readonly string[], quant: string): QuantSelection {
  const models = ggufModels(paths);
  const wanted = new RegExp(`(?:^|[-._])${escapeRegExp(quant)}(?=[-.])`, 'i');
  const matches = models.filter((model) => wanted.test(baseName(model.path)));
  if (matches.length === 0) {
    const available = new Set<string>();
    for (const model of models) {
      for (const match of baseName(model.path).matchAll(QUANT_IN_NAME)) available.add(match[1]!.toUpperCase());
    }
    return { found: false, available: [...available].sort() };
  }
  matches.sort(
    (a, b) =>
      Number(a.split) - Number(b.split) ||
      a.path.length - b.path.length ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return { found: true, path: matches[0]!.path };
}

/** GGUF models of a listing: single files, and split models by their first part. */
function ggufModels(paths: readonly string[]): { path: string; split: boolean }[] {
  const models: { path: string; split: boolean }[] = [];
  for (const path of paths) {
    if (!path.toLowerCase().endsWith('.gguf') || baseName(path).toLowerCase().startsWith('mmproj')) continue;
    const parts = splitParts(path);
    if (parts === undefined) models.push({ path, split: false });
    else if (parts.index === 1) models.push({ path, split: true });
  }
  return models;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
