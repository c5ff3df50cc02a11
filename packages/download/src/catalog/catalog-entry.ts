import type { ExpectedChecksum } from '../checksum/checksum.js';
import { unsafeFilenameReason } from '../fs/safe-filename.js';

/**
 * One model of a GPT4All catalog (`models3.json`), validated.
 *
 * Text fields keep their catalog (wire) types: `filesize` and `ramrequired`
 * stay decimal strings. Flags are normalized to booleans (catalogs write
 * `"true"`), sampling overrides to numbers, digests to lower case. Fields this
 * type does not know are kept as they are.
 */
export interface CatalogEntry extends SamplingOverrides {
  /** Sort key of the GPT4All UI. */
  order?: string;
  /** Display name, e.g. `Llama 3 8B Instruct`. */
  name: string;
  /** File name in the model directory; validated to be a plain, safe file name. */
  filename: string;
  /** Size in bytes, as a decimal string. */
  filesize?: string;
  /** Lower-case hex MD5 of the file. */
  md5sum?: string;
  /** Lower-case hex SHA-256 of the file. */
  sha256sum?: string;
  /** Minimum GPT4All version. */
  requires?: string;
  /** GPT4All version that dropped the entry. */
  removedIn?: string;
  /** RAM needed, in GB, as a string. */
  ramrequired?: string;
  /** Parameter count, e.g. `8 billion`. */
  parameters?: string;
  quant?: string;
  type?: string;
  /** HTML description. */
  description?: string;
  /** Download URL; when absent GPT4All's own model host is used. */
  url?: string;
  /** Jinja chat template; `null` when the catalog says the model has none (embedding models). */
  chatTemplate?: string | null;
  /** System message used with `chatTemplate`; `null` for none. */
  systemMessage?: string | null;
  /** Legacy template with `%1` (prompt) and `%2` (response) placeholders; `null` for none. */
  promptTemplate?: string | null;
  /** Legacy system prompt used with `promptTemplate`; `null` for none. */
  systemPrompt?: string | null;
  /** True for embedding models. */
  embeddingModel?: boolean;
  /** True for entries GPT4All hides from its UI. */
  disableGUI?: boolean;
  /** Unknown catalog fields are preserved. */
  [field: string]: unknown;
}

/** Sampling and context overrides an entry may carry; all optional numbers. */
export interface SamplingOverrides {
  temperature?: number;
  topP?: number;
  minP?: number;
  topK?: number;
  maxLength?: number;
  promptBatchSize?: number;
  contextLength?: number;
  gpuLayers?: number;
  repeatPenalty?: number;
  repeatPenaltyTokens?: number;
}

/** Where GPT4All hosts models whose entry has no `url`. */
export const GPT4ALL_MODEL_BASE_URL = 'https://gpt4all.io/models/gguf/';

const TEXT_FIELDS = ['order', 'requires', 'removedIn', 'parameters', 'quant', 'type', 'description'] as const;
// Catalogs write `"chatTemplate": null` for models without one: kept as null.
const NULLABLE_TEXT_FIELDS = ['chatTemplate', 'systemMessage', 'promptTemplate', 'systemPrompt'] as const;
const FLAG_FIELDS = ['embeddingModel', 'disableGUI'] as const;
const REAL_OVERRIDES = ['temperature', 'topP', 'minP', 'repeatPenalty'] as const;
const INTEGER_OVERRIDES = [
  'topK', 'maxLength', 'promptBatchSize', 'contextLength', 'gpuLayers', 'repeatPenaltyTokens',
] as const;

/**
 * Validates one raw catalog entry. Returns the typed entry, or the list of
 * problems (each prefixed by `path`) when it is invalid.
 */
export function parseCatalogEntry(raw: unknown, path = '$'): { entry: CatalogEntry } | { issues: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { issues: [`${path}: not an object`] };
  const source = raw as Record<string, unknown>;
  const issues: string[] = [];
  const entry: Record<string, unknown> = { ...source };
  const problem = (field: string, message: string): void => {
    issues.push(`${path}.${field}: ${message}`);
  };

  const filenameIssue = unsafeFilenameReason(source.filename);
  if (filenameIssue) problem('filename', filenameIssue);
  if (typeof source.name !== 'string' || source.name.trim() === '') problem('name', 'missing or not a string');

  for (const field of ['filesize', 'ramrequired'] as const) {
    const value = source[field];
    if (value === undefined) continue;
    const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
    if (typeof text !== 'string' || !/^\d+$/.test(text.trim())) problem(field, 'not a non-negative integer');
    else entry[field] = text.trim();
  }
  checkDigest(source, entry, 'md5sum', 32, problem);
  checkDigest(source, entry, 'sha256sum', 64, problem);

  for (const field of TEXT_FIELDS) {
    // A null plain text field carries no information: treated as absent.
    if (source[field] === null) delete entry[field];
    else if (source[field] !== undefined && typeof source[field] !== 'string') problem(field, 'not a string');
  }
  for (const field of NULLABLE_TEXT_FIELDS) {
    const value = source[field];
    if (value !== undefined && value !== null && typeof value !== 'string') problem(field, 'not a string or null');
  }
  if (source.url !== undefined) {
    if (typeof source.url !== 'string' || !isHttpUrl(source.url)) problem('url', 'not an http(s) URL');
  }
  for (const field of FLAG_FIELDS) {
    const value = source[field];
    if (value === undefined) continue;
    if (value === true || value === 'true') entry[field] = true;
    else if (value === false || value === 'false') entry[field] = false;
    else problem(field, 'not a boolean');
  }
  for (const field of [...REAL_OVERRIDES, ...INTEGER_OVERRIDES]) {
    const value = source[field];
    if (value === undefined) continue;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    const integer = (INTEGER_OVERRIDES as readonly string[]).includes(field);
    if (typeof number !== 'number' || !Number.isFinite(number) || (integer && !Number.isInteger(number))) {
      problem(field, integer ? 'not an integer' : 'not a number');
    } else {
      entry[field] = number;
    }
  }
  return issues.length > 0 ? { issues } : { entry: entry as CatalogEntry };
}

/** Expected checksum of an entry: SHA-256 when present (stronger), else MD5. */
export function entryChecksum(entry: CatalogEntry): ExpectedChecksum | undefined {
  if (entry.sha256sum) return { algorithm: 'sha256', value: entry.sha256sum.toLowerCase() };
  if (entry.md5sum) return { algorithm: 'md5', value: entry.md5sum.toLowerCase() };
  return undefined;
}

/** Size in bytes from `filesize`, when present. */
export function entryFileSize(entry: CatalogEntry): number | undefined {
  return entry.filesize === undefined ? undefined : Number(entry.filesize);
}

/** URL to download an entry from: its `url`, or GPT4All's model host (as GPT4All does). */
export function entryDownloadUrl(entry: CatalogEntry): string {
  return entry.url ?? `${GPT4ALL_MODEL_BASE_URL}${encodeURIComponent(entry.filename)}`;
}

/** The sampling/context overrides an entry defines (only those present). */
export function samplingOverrides(entry: CatalogEntry): SamplingOverrides {
  const overrides: Record<string, number> = {};
  for (const field of [...REAL_OVERRIDES, ...INTEGER_OVERRIDES]) {
    const value = entry[field];
    if (typeof value === 'number') overrides[field] = value;
  }
  return overrides as SamplingOverrides;
}

function checkDigest(
  source: Record<string, unknown>,
  entry: Record<string, unknown>,
  field: 'md5sum' | 'sha256sum',
  length: number,
  problem: (field: string, message: string) => void,
): void {
  const value = source[field];
  if (value === undefined) return;
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value.trim())) {
    problem(field, `not a ${length}-digit hex digest`);
  } else {
    entry[field] = value.trim().toLowerCase();
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
