import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from './architectures/registry.js';
import { fromHalfBits } from './half-float.js';
import { findKv, readGgufHeader } from './gguf-reader.js';
import { GgmlType, GgufValueType, type GgufKv } from './gguf-types.js';
import { encodeKvEntry } from './gguf-writer.js';
import { writeTestModel, type WriteTestModelOptions } from './test-model.js';
import { llamaCppDir } from './vendor-paths.js';
import { loadVocabulary } from './vocabulary.js';
import { vocabularyTokens } from './vocabulary-tokens.js';

const vendored = existsSync(llamaCppDir());
const dir = mkdtempSync(join(tmpdir(), 'gpt4all-test-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let n = 0;
const write = (o: Omit<WriteTestModelOptions, 'outPath'>) => writeTestModel({ ...o, outPath: join(dir, `m${n++}.gguf`) });

/** Reads one F32/F16 tensor's values back from a written model. */
function tensorValues(path: string, name: string): Float64Array {
  const h = readGgufHeader(path);
  const t = h.tensors.find((x) => x.name === name)!;
  const count = t.dims.reduce((a, b) => a * b, 1);
  const bytes = readFileSync(path).subarray(h.dataOffset + Number(t.offset));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return Float64Array.from({ length: count }, (_, i) =>
    t.type === GgmlType.F16 ? fromHalfBits(view.getUint16(2 * i, true)) : view.getFloat32(4 * i, true),
  );
}

describe.skipIf(!vendored)('writeTestModel', () => {
  it('is deterministic: same options, same bytes; another seed, other bytes', async () => {
    const a = await write({ architecture: 'llama', seed: 1 });
    const b = await write({ architecture: 'llama', seed: 1 });
    const c = await write({ architecture: 'llama', seed: 2 });
    expect(sha(a.path)).toBe(sha(b.path));
    expect(sha(a.path)).not.toBe(sha(c.path));
    expect(readdirSync(dir).some((f) => f.endsWith('.part'))).toBe(false);
  });

  it('copies the tokenizer and sets the architecture keys', async () => {
    const info = await write({ architecture: 'llama', vocab: 'llama-bpe', seed: 3 });
    const h = readGgufHeader(info.path);
    const vocab = loadVocabulary('llama-bpe');
    const tokenizer = h.kv.filter((e) => e.key.startsWith('tokenizer.'));
    // Compare encodings: deep equality over 400k strings is needlessly slow.
    const encode = (kv: GgufKv[]) => Buffer.concat(kv.map(encodeKvEntry));
    expect(Buffer.compare(encode(tokenizer), encode(vocab.tokenizerKv))).toBe(0);
    expect(findKv(h, 'general.architecture')?.value).toBe('llama');
    expect(findKv(h, 'general.name')?.value).toBe('gpt4all-test llama llama-bpe tiny (random weights)');
    expect(findKv(h, 'general.file_type')?.value).toBe(0);
    expect(findKv(h, 'llama.embedding_length')?.value).toBe(64);
    expect(findKv(h, 'llama.attention.head_count_kv')?.value).toBe(2);
    expect(findKv(h, 'llama.rope.dimension_count')?.value).toBe(16);
    expect(info.nVocab).toBe(128256);
    const embd = h.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(embd.dims).toEqual([64, 128256]);
    expect(h.tensors.filter((t) => t.name.startsWith('blk.')).length).toBe(2 * 9);
  });

  it('scales weights by fan-in and keeps norms at one', async () => {
    const info = await write({ architecture: 'llama', seed: 4, fileType: 'F16' });
    const h = readGgufHeader(info.path);
    expect(findKv(h, 'general.file_type')?.value).toBe(1);
    expect(h.tensors.find((t) => t.name === 'blk.0.ffn_down.weight')?.type).toBe(GgmlType.F16);
    expect(h.tensors.find((t) => t.name === 'blk.0.ffn_norm.weight')?.type).toBe(GgmlType.F32);
    const stdOf = (v: Float64Array) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      expect(Math.abs(mean)).toBeLessThan(0.005);
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    };
    // ffn_up: fan-in 64. ffn_down: fan-in 128, times the residual gain 1/sqrt(2 * 2 layers).
    expect(stdOf(tensorValues(info.path, 'blk.0.ffn_up.weight')) * Math.sqrt(64)).toBeCloseTo(1, 1);
    expect(stdOf(tensorValues(info.path, 'blk.0.ffn_down.weight')) * Math.sqrt(128) * 2).toBeCloseTo(1, 1);
    expect(new Set(tensorValues(info.path, 'blk.1.ffn_norm.weight'))).toEqual(new Set([1]));
  });

  it('sets a chat template by vendored name or as source', async () => {
    const named = await write({ architecture: 'llama', chatTemplate: 'meta-llama-Llama-3.1-8B-Instruct', vocab: 'llama-bpe' });
    const template = findKv(readGgufHeader(named.path), 'tokenizer.chat_template')?.value;
    expect(template).toContain('<|start_header_id|>');
    const literal = await write({ architecture: 'phi3', chatTemplate: '{{ messages[0].content }}', fileType: 'F16' });
    expect(findKv(readGgufHeader(literal.path), 'tokenizer.chat_template')?.value).toBe('{{ messages[0].content }}');
    await expect(write({ architecture: 'llama', chatTemplate: 'no-such-template' })).rejects.toThrow(/vendored template/);
  });

  it.each(ARCHITECTURE_NAMES)('writes a loadable-looking %s model', async (architecture) => {
    const info = await write({ architecture, fileType: 'F16' });
    const h = readGgufHeader(info.path);
    expect(findKv(h, 'general.architecture')?.value).toBe(ARCHITECTURES[architecture].name);
    expect(findKv(h, 'tokenizer.ggml.tokens')?.type).toBe(GgufValueType.ARRAY);
    expect(h.tensors.length).toBe(info.tensorCount);
    const last = h.tensors.at(-1)!;
    expect(h.dataOffset + Number(last.offset)).toBeLessThan(info.bytes);
    expect(readFileSync(info.path).byteLength).toBe(info.bytes);
  });

  it('rejects incoherent sizes', async () => {
    const size = { embeddingLength: 60, blockCount: 1, headCount: 8, headCountKv: 8, feedForwardLength: 64, contextLength: 64 };
    await expect(write({ architecture: 'llama', size })).rejects.toThrow(/multiple of headCount/);
  });
});

describe.skipIf(!vendored)('writeTestModel with a script', () => {
  const script = { emit: ['Sure thing', '<|im_start|>', 'user What next'] };

  it('is deterministic, and the script changes the bytes', async () => {
    const a = await write({ architecture: 'llama', script: { emit: ['Sure thing'] } });
    const b = await write({ architecture: 'llama', script: { emit: ['Sure thing'] } });
    const other = await write({ architecture: 'llama', script: { emit: ['Sure thing'], then: ' thing' } });
    const plain = await write({ architecture: 'llama' });
    expect(sha(a.path)).toBe(sha(b.path));
    expect(new Set([sha(a.path), sha(other.path), sha(plain.path)]).size).toBe(3);
  });

  it('records the script as ids, in the result and in the file', async () => {
    const info = await write({ architecture: 'qwen2', script });
    const tokens = vocabularyTokens(loadVocabulary('qwen2'));
    expect(info.script?.tokens.map((id) => tokens.texts[id]).join('')).toBe('SureĠthing<|im_start|>userĠWhatĠnext');
    expect(info.script?.then).toBe(tokens.eosId);
    const h = readGgufHeader(info.path);
    expect(findKv(h, 'general.name')?.value).toBe('gpt4all-test qwen2 qwen2 tiny (scripted)');
    expect(findKv(h, 'gpt4all.test_model.script')?.value).toEqual([...info.script!.tokens, info.script!.then]);
  });

  it('zeroes what writes into the residual stream and wires embedding to head', async () => {
    const info = await write({ architecture: 'gpt2', script: { emit: ['Sure thing'] } });
    const [sure, thing] = info.script!.tokens as [number, number];
    const eos = info.script!.then;
    const width = 64;
    for (const name of ['position_embd.weight', 'output_norm.bias', 'blk.1.attn_output.weight', 'blk.1.attn_output.bias', 'blk.0.ffn_down.weight', 'blk.0.ffn_down.bias']) {
      expect(new Set(tensorValues(info.path, name)), name).toEqual(new Set([0]));
    }
    // Attention and feed-forward inputs keep their random values.
    expect(new Set(tensorValues(info.path, 'blk.0.attn_qkv.weight')).size).toBeGreaterThan(1000);

    const embd = tensorValues(info.path, 'token_embd.weight');
    const row = (values: Float64Array, token: number) => Array.from(values.subarray(token * width, (token + 1) * width));
    const oneHot = (dimension: number, value = 1) => Array.from({ length: width }, (_, i) => (i === dimension ? value : 0));
    expect(row(embd, 0)).toEqual(oneHot(0)); // outside the script: the shared dimension
    expect(row(embd, sure)).toEqual(oneHot(1));
    expect(row(embd, thing)).toEqual(oneHot(2));

    const head = tensorValues(info.path, 'output.weight');
    expect(row(head, sure)).toEqual(oneHot(0, 16)); // follows anything outside the script
    expect(row(head, thing)).toEqual(oneHot(1, 16)); // follows 'Sure'
    expect(row(head, eos)).toEqual(oneHot(2, 16)); // follows ' thing'
    expect(row(head, 0)).toEqual(oneHot(-1));
  });

  it('rejects what it cannot build', async () => {
    await expect(write({ architecture: 'bert', script: { emit: [100], then: 101 } })).rejects.toThrow(/output head/);
    await expect(write({ architecture: 'llama', script: { emit: [5, 6, 5, 7] } })).rejects.toThrow(/followed by/);
    const wide = Array.from({ length: 64 }, (_, i) => 1000 + i);
    await expect(write({ architecture: 'llama', script: { emit: wide } })).rejects.toThrow(/65 embedding dimensions/);
    await expect(write({ architecture: 'llama', script: { emit: wide.slice(1) } })).resolves.toMatchObject({ script: { tokens: wide.slice(1) } });
  });
});
