import { UnsafeFilenameError } from '../errors/unsafe-filename-error.js';

// Names Windows refuses whatever the extension (CON, NUL.gguf, COM1...).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_LENGTH = 255;

/**
 * Returns why `filename` is not a safe single file name inside the model
 * directory, or `undefined` when it is safe.
 *
 * The rules are strict on purpose: catalog data comes from the network, so a
 * filename is only accepted when it cannot name anything but a file directly
 * inside the model directory, on any platform.
 */
export function unsafeFilenameReason(filename: unknown): string | undefined {
  if (typeof filename !== 'string') return 'not a string';
  if (filename.length === 0) return 'empty';
  if (filename.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (filename === '.' || filename === '..') return 'refers to a directory';
  if (/[/\\]/.test(filename)) return 'contains a path separator';
  if (/^[a-zA-Z]:/.test(filename)) return 'starts with a drive letter';
  // Control characters (incl. NUL) and characters Windows forbids in names.
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(filename)) return 'contains a forbidden character';
  if (/[. ]$/.test(filename)) return 'ends with a dot or a space';
  if (filename.startsWith('.')) return 'is a hidden file name';
  if (WINDOWS_RESERVED.test(filename)) return 'is a reserved device name';
  return undefined;
}

/**
 * Throws {@link UnsafeFilenameError} unless `filename` is a safe single file
 * name (see {@link unsafeFilenameReason}); returns it otherwise.
 */
export function assertSafeFilename(filename: string): string {
  const reason = unsafeFilenameReason(filename);
  if (reason !== undefined) throw new UnsafeFilenameError({ filename: String(filename), reason });
  return filename;
}
