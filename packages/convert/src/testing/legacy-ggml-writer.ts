import { closeSync, openSync, writeSync } from 'node:fs';

/** One tensor of an old GGML file: float32 data, dimensions innermost first (ggml's `ne`). */
export interface LegacyTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** What {@link writeLegacyGgml} writes: the LLaMA layout of llama.cpp's loader before GGUF. */
export interface LegacyGgmlFile {
  format: 'ggml' | 'ggmf' | 'ggjt';
  /** Written after the magic, except for `ggml`. */
  version?: number;
  /** n_vocab, n_embd, n_mult, n_head, n_layer, n_rot, ftype (LLaMA); n_vocab, n_ctx, n_embd, n_head, n_layer, n_rot, ftype (GPT-J). */
  hparams: number[];
  /** Token bytes and (except in `ggml`) scores. */
  vocab: { bytes: Uint8Array; score: number }[];
  tensors: LegacyTensor[];
}

const MAGICS = { ggml: 0x67676d6c, ggmf: 0x67676d66, ggjt: 0x67676a74 } as const;

/**
 * Writes a GGML file as the pre-GGUF writers did: the magic (a little-endian u32), the version,
 * the hyperparameters as u32, each token as u32 length, bytes and f32 score (no score in `ggml`),
 * then each tensor as u32 dimension count, name length and type (0: F32), the dimensions, the
 * name and, in `ggjt`, padding to 32 bytes before the data.
 */
export function writeLegacyGgml(path: string, file: LegacyGgmlFile): void {
  const chunks: Buffer[] = [];
  let offset = 0;
  const push = (buffer: Buffer): void => {
    chunks.push(buffer);
    offset += buffer.length;
  };
  const u32s = (...values: number[]): void => {
    const buffer = Buffer.alloc(4 * values.length);
    values.forEach((value, i) => buffer.writeUInt32LE(value, 4 * i));
    push(buffer);
  };
  u32s(MAGICS[file.format]);
  if (file.format !== 'ggml') u32s(file.version ?? 1);
  u32s(...file.hparams);
  for (const token of file.vocab) {
    u32s(token.bytes.length);
    push(Buffer.from(token.bytes));
    if (file.format !== 'ggml') {
      const score = Buffer.alloc(4);
      score.writeFloatLE(token.score);
      push(score);
    }
  }
  for (const tensor of file.tensors) {
    const name = Buffer.from(tensor.name);
    u32s(tensor.dims.length, name.length, 0, ...tensor.dims);
    push(name);
    if (file.format === 'ggjt') push(Buffer.alloc((32 - (offset % 32)) % 32));
    push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  const fd = openSync(path, 'w');
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
