// A valid GGUF file held in memory, and edited copies of it: the key/values replaced (cheaply,
// for many copies) or, through @gpt4all/test-models' writer, the tensors too.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { encodeGgufLayout, ggmlTensorBytes, parseGgufHeader, type GgmlType, type GgufHeader, type GgufKv, type GgufTensorSource } from '@gpt4all/test-models';

/** A GGUF file's bytes and its parsed header. */
export interface GgufSource {
  bytes: Uint8Array;
  header: GgufHeader;
}

/** Reads and parses a GGUF file. */
export function readGgufSource(path: string): GgufSource {
  const bytes = new Uint8Array(readFileSync(path));
  return { bytes, header: parseGgufHeader(bytes) };
}

/**
 * The tensors of `source`, each producing its bytes from the source, for `writeGgufFile`: map
 * or filter them to write a copy with a tensor changed or missing.
 */
export function tensorSources({ bytes, header }: GgufSource): GgufTensorSource[] {
  return header.tensors.map((t) => {
    const start = header.dataOffset + Number(t.offset);
    const data = bytes.subarray(start, start + ggmlTensorBytes(t.type as GgmlType, t.dims));
    return { name: t.name, dims: t.dims, type: t.type as GgmlType, produce: (write) => write(data) };
  });
}

/**
 * Writes a copy of `source` whose key/value section is `kv`, in that order; the tensor infos and
 * the tensor data are copied unchanged. Entries that are the very objects of `source.header.kv`
 * (as `setKv` leaves untouched entries) are copied byte for byte, so a copy costs one write of
 * the file rather than an encoding of its whole vocabulary. The padding before the data section
 * is recomputed with the source's alignment (tensor offsets are relative to that section), so
 * the copy is well-formed whatever the new entries' sizes; an edited `general.alignment` is
 * written as given and not obeyed, on purpose.
 * @returns the size of the written file in bytes.
 */
export function writeGgufWithKv(outPath: string, source: GgufSource, kv: readonly GgufKv[]): number {
  const { bytes, header } = source;
  const original = new Map(header.kv.map((entry, i) => [entry, header.kvSpans[i]!]));
  const counts = new Uint8Array(24);
  counts.set(bytes.subarray(0, 16)); // magic, version, tensor count
  new DataView(counts.buffer).setBigUint64(16, BigInt(kv.length), true);
  const entries = kv.map((entry) => {
    const span = original.get(entry);
    return span ? bytes.subarray(span.start, span.end) : encodeEntry(entry);
  });
  const tensorInfos = bytes.subarray(header.tensorInfoOffset, header.tensorInfoEnd);
  const metadataEnd = counts.byteLength + entries.reduce((n, e) => n + e.byteLength, 0) + tensorInfos.byteLength;
  const padding = new Uint8Array((header.alignment - (metadataEnd % header.alignment)) % header.alignment);
  const segments = [counts, ...entries, tensorInfos, padding, bytes.subarray(header.dataOffset)];
  const fd = openSync(outPath, 'w');
  let size = 0;
  try {
    for (const segment of segments) {
      for (let done = 0; done < segment.byteLength; ) done += writeSync(fd, segment, done, segment.byteLength - done);
      size += segment.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  return size;
}

/**
 * One key/value entry as the file stores it. The value is encoded under an empty key (a layout
 * without tensors is the 24-byte header, then the entry, unpadded), so that any value can be
 * written, even a `general.alignment` the writer itself would refuse to lay out.
 */
function encodeEntry({ key, value }: GgufKv): Uint8Array {
  const typeAndValue = encodeGgufLayout([{ key: '', value }], []).metadata.subarray(24 + 8);
  const name = new TextEncoder().encode(key);
  const entry = new Uint8Array(8 + name.byteLength + typeAndValue.byteLength);
  new DataView(entry.buffer).setBigUint64(0, BigInt(name.byteLength), true);
  entry.set(name, 8);
  entry.set(typeAndValue, 8 + name.byteLength);
  return entry;
}
