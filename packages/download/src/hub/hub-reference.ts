import { HubReferenceError } from '../errors/hub-reference-error.js';

/**
 * A model on the Hugging Face Hub, as written `hf:owner/repo/path/file.gguf` (one file, or the
 * first part of a split model) or `hf:owner/repo:QUANT` (the repository's GGUF file of that
 * quantisation, e.g. `Q4_K_M`).
 */
export type HubReference =
  | { kind: 'file'; owner: string; repo: string; path: string }
  | { kind: 'quant'; owner: string; repo: string; quant: string };

const PREFIX = 'hf:';
// The Hub's rules for user, organisation and repository names.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const QUANT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** True when `value` is meant as a Hugging Face reference (it starts with `hf:`). */
export function isHubReference(value: string): boolean {
  return value.startsWith(PREFIX);
}

/**
 * Parses `hf:owner/repo/path/file.gguf` or `hf:owner/repo:QUANT`.
 * @throws HubReferenceError when it has neither form, names no `.gguf` file, or has empty,
 *   `.` or `..` path segments.
 */
export function parseHubReference(reference: string): HubReference {
  const fail = (reason: string): never => {
    throw new HubReferenceError({ reference, reason });
  };
  if (!isHubReference(reference)) fail('it does not start with "hf:"');
  const body = reference.slice(PREFIX.length);
  const [owner = '', rest = ''] = splitOnce(body, '/');
  if (!NAME.test(owner)) fail('the owner is missing or not a Hugging Face name');
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    const repo = rest.slice(0, colon);
    const quant = rest.slice(colon + 1);
    if (!NAME.test(repo)) fail('the repository is missing or not a Hugging Face name');
    if (!QUANT.test(quant)) fail('the quantisation after ":" is missing or malformed');
    return { kind: 'quant', owner, repo, quant };
  }
  if (slash < 0) fail('it names neither a file nor a quantisation');
  const repo = rest.slice(0, slash);
  const path = rest.slice(slash + 1);
  if (!NAME.test(repo)) fail('the repository is missing or not a Hugging Face name');
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    fail('the file path has an empty, "." or ".." segment');
  }
  if (/[\u0000-\u001f\u007f\\]/.test(path)) fail('the file path contains a control character or a backslash');
  if (!path.toLowerCase().endsWith('.gguf')) fail('the file is not a .gguf file');
  return { kind: 'file', owner, repo, path };
}

/** `owner/repo` of a reference. */
export function hubRepoId(reference: HubReference): string {
  return `${reference.owner}/${reference.repo}`;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
