import { closeSync, openSync, readSync } from 'node:fs';

/** A model file in one of the GGML formats that came before GGUF (August 2023). */
export interface LegacyGgmlFormat {
  /** The file's magic: `ggml` (unversioned), `ggmf` (v1) or `ggjt` (v1 to v3, mmap-able). */
  format: 'ggml' | 'ggmf' | 'ggjt';
  /** The format version that follows the magic; undefined for `ggml`, which has none. */
  version: number | undefined;
}

/**
 * The magics of the pre-GGUF formats as the little-endian `u32` they were written as (llama.cpp's
 * `llama_file_version` before GGUF, and the ggml examples' GPT-J and MPT writers). The engine's
 * own check is `LEGACY_MAGICS` in crates/core/src/gguf.rs; this one serves the header reader and
 * `gpt4all convert`, which run without the addon.
 */
const LEGACY_MAGICS: ReadonlyMap<number, LegacyGgmlFormat['format']> = new Map([
  [0x67676d6c, 'ggml'],
  [0x67676d66, 'ggmf'],
  [0x67676a74, 'ggjt'],
]);

/** The legacy format of a file's first bytes (at least 4; 8 to read the version), if it is one. */
export function legacyGgmlFormatOf(bytes: Uint8Array): LegacyGgmlFormat | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = LEGACY_MAGICS.get(view.getUint32(0, true));
  if (!format) return undefined;
  return { format, version: format !== 'ggml' && bytes.length >= 8 ? view.getUint32(4, true) : undefined };
}

/** {@link legacyGgmlFormatOf} for a file on disk (reads its first 8 bytes); undefined when it cannot be read. */
export function readLegacyGgmlFormat(path: string): LegacyGgmlFormat | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const bytes = Buffer.alloc(8);
    return legacyGgmlFormatOf(bytes.subarray(0, readSync(fd, bytes, 0, 8, 0)));
  } finally {
    closeSync(fd);
  }
}

/** The message of `ERR_LEGACY_GGML`, worded as the engine's (`Error::LegacyGgml` in crates/core/src/error.rs). */
export function legacyGgmlMessage(path: string, { format, version }: LegacyGgmlFormat): string {
  // A legacy file already named .gguf gets a name of its own for the result.
  const gguf = /\.gguf$/i.test(path) ? path.replace(/\.gguf$/i, '.converted.gguf') : path.replace(/(\.[^./\\]*)?$/, '.gguf');
  return (
    `${path} is a model in the old GGML format '${format}'${version === undefined ? '' : ` v${version}`}, from before GGUF ` +
    `(llama.cpp before August 2023, GPT4All 2.4 and earlier), which llama.cpp no longer reads. ` +
    `Convert it to GGUF: gpt4all convert "${path}" "${gguf}"`
  );
}
