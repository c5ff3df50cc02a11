import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGUF_MUTATION_KINDS, ggufMutations, mutateGguf, type GgufMutationKind } from './gguf-mutations.js';
import { parseGgufHeader } from './gguf-reader.js';
import { GgmlType } from './gguf-types.js';
import { gguf } from './gguf-value.js';
import { encodeGguf, writeGgufFile } from './gguf-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-gguf-mutations-'));
const valid = join(dir, 'valid.gguf');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small but complete model-shaped file: tensors of several types, some string arrays. */
const tensors = ['blk.0.attn_q.weight', 'blk.1.attn_q.weight', 'output_norm.weight', 'token_embd.weight'].map((name, i) => ({
  name,
  dims: i === 2 ? [64] : [64, 3],
  type: i === 1 ? GgmlType.F16 : GgmlType.F32,
}));
const kv = [
  { key: 'general.architecture', value: gguf.str('llama') },
  { key: 'llama.block_count', value: gguf.u32(2) },
  { key: 'tokenizer.ggml.tokens', value: gguf.array(8, ['<unk>', '<s>', '</s>', 'a', 'b']) },
  { key: 'tokenizer.ggml.scores', value: gguf.array(6, [0, 0, 0, -1, -2]) },
];

beforeAll(() => {
  writeGgufFile(
    valid,
    kv,
    tensors.map((t, i) => ({ ...t, produce: (w) => w(new Uint8Array(t.dims.reduce((a, b) => a * b) * (t.type === GgmlType.F16 ? 2 : 4)).fill(i + 1)) })),
  );
});

describe('ggufMutations', () => {
  it('covers every kind, deterministically, and every mutation differs from the original', () => {
    const original = new Uint8Array(readFileSync(valid));
    const a = ggufMutations(valid, 84, 123);
    const b = ggufMutations(valid, 84, 123);
    expect(new Set(a.map((m) => m.kind))).toEqual(new Set(GGUF_MUTATION_KINDS));
    expect(a.map((m) => m.label)).toEqual(b.map((m) => m.label));
    a.forEach((m, i) => {
      const bytes = m.bytes();
      expect(Buffer.compare(bytes, b[i]!.bytes())).toBe(0);
      expect(bytes.byteLength).toBe(m.size);
      expect(bytes.byteLength === original.byteLength && Buffer.compare(bytes, original) === 0, m.label).toBe(false);
      expect(m.label.startsWith(`${m.kind}: `)).toBe(true);
    });
    const other = ggufMutations(valid, 84, 124);
    expect(other.map((m) => m.label)).not.toEqual(a.map((m) => m.label));
  });

  it('breaks what the reader can see', () => {
    const original = readFileSync(valid);
    const parseFailures: Partial<Record<GgufMutationKind, RegExp>> = {
      'truncate-header': /end of GGUF data/,
      'truncate-kv': /end of GGUF data/,
      'truncate-tensor-info': /end of GGUF data/,
      'bad-magic': /bad magic/,
      'bad-version': /unsupported GGUF version/,
      'tensor-n-dims': /dims/,
      'duplicate-key': /duplicate key/,
      'duplicate-tensor-name': /duplicate tensor name/,
      'bad-alignment': /general.alignment/,
    };
    for (const m of ggufMutations(valid, 63, 9)) {
      const expected = parseFailures[m.kind];
      if (expected) expect(() => parseGgufHeader(m.bytes()), m.label).toThrow(expected);
      if (m.kind === 'duplicate-key' || m.kind === 'bad-alignment') {
        // Inserted entries are padded so that the data section stays aligned.
        expect((m.size - original.byteLength) % 32, m.label).toBe(0);
      }
    }
  });

  it('writes mutations to disk identical to their bytes', () => {
    const [m] = ggufMutations(valid, 1, 1);
    const path = join(dir, 'mutated.gguf');
    m!.writeTo(path);
    expect(Buffer.compare(readFileSync(path), m!.bytes())).toBe(0);
  });

  it('mutateGguf is deterministic and honours a requested kind', () => {
    const bytes = new Uint8Array(readFileSync(valid));
    const kinds = new Set(Array.from({ length: 20 }, (_, s) => mutateGguf(bytes, s, 'bad-version').kind));
    expect(kinds).toEqual(new Set(['bad-version']));
    expect(mutateGguf(bytes, 5).label).toBe(mutateGguf(bytes, 5).label);
    expect(new Set(Array.from({ length: 40 }, (_, s) => mutateGguf(bytes, s).kind)).size).toBeGreaterThan(10);
    expect(() => mutateGguf(encodeGguf(kv, []), 1)).toThrow(/at least two tensors/);
  });
});
