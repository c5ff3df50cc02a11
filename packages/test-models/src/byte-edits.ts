import { closeSync, openSync, writeSync } from 'node:fs';

/** Replace `remove` bytes at `offset` of the original with `insert`. */
export interface ByteEdit {
  offset: number;
  remove: number;
  insert: Uint8Array;
}

/**
 * A copy of some bytes with a few splices applied, kept as the original plus
 * the edits: a mutated 20 MB model costs a few bytes until it is materialised,
 * so hundreds of mutations of one file can be listed at once.
 */
export class EditedBytes {
  private readonly edits: ByteEdit[];
  /** Length of the edited bytes. */
  readonly size: number;

  constructor(
    private readonly original: Uint8Array,
    edits: readonly ByteEdit[],
  ) {
    // Stable sort keeps an insertion before a replacement at the same offset.
    this.edits = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset - b.e.offset || a.i - b.i).map((x) => x.e);
    let end = 0;
    let size = original.byteLength;
    for (const e of this.edits) {
      if (e.offset < end || e.offset + e.remove > original.byteLength) {
        throw new RangeError(`overlapping or out-of-range edit at ${e.offset}`);
      }
      end = e.offset + e.remove;
      size += e.insert.byteLength - e.remove;
    }
    this.size = size;
  }

  /** The pieces of the edited bytes, in order; untouched stretches are views of the original. */
  *segments(): Generator<Uint8Array> {
    let pos = 0;
    for (const e of this.edits) {
      if (e.offset > pos) yield this.original.subarray(pos, e.offset);
      if (e.insert.byteLength > 0) yield e.insert;
      pos = e.offset + e.remove;
    }
    if (pos < this.original.byteLength) yield this.original.subarray(pos);
  }

  /** The edited bytes as one new array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const seg of this.segments()) {
      out.set(seg, at);
      at += seg.byteLength;
    }
    return out;
  }

  /** Writes the edited bytes to `path` without materialising them. */
  writeTo(path: string): void {
    const fd = openSync(path, 'w');
    try {
      for (const seg of this.segments()) {
        let done = 0;
        while (done < seg.byteLength) done += writeSync(fd, seg, done, seg.byteLength - done);
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Little-endian u32 bytes. */
export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** Little-endian u64 bytes (negative values wrap, as an int64 would be stored). */
export function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}
