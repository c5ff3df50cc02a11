// A LLaMA model in the last pre-GGUF format (ggjt v3, as GPT4All 2.4 and llama.cpp of mid-2023
// wrote it), written by the test with LLaMA's real SentencePiece vocabulary, converted by
// convertModel (llama.cpp's convert_llama_ggml_to_gguf.py in the converter's environment, which
// the first run prepares) and loaded by the engine: the weights arrive unchanged under GGUF's
// names, the vocabulary tokenizes as LLaMA's does, and the model generates.
import { loadModel, readGgufHeader as readHeaderSummary } from '@gpt4all/core';
import { ensureTestModel, loadVocabulary, readGgufHeader, vocabularyTokens } from '@gpt4all/test-models';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertModel } from './index.js';
import { writeLegacyGgml, type LegacyTensor } from './testing/legacy-ggml-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-ggjt-'));
afterAll(() => (process.env.KEEP ? console.log(dir) : rmSync(dir, { recursive: true, force: true })));

const N_EMBD = 32;
const N_HEAD = 4;
const N_LAYER = 2;
const N_FF = 96;

/** Deterministic values of scale `std` (a linear congruential generator: the test needs no statistics). */
function values(count: number, seed: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = mean + std * ((state / 2 ** 32) * 2 - 1) * Math.sqrt(3);
  }
  return out;
}

/** The tensors of a LLaMA ggml file with their GGUF names, in llama.cpp's old naming. */
function llamaTensors(nVocab: number): { tensor: LegacyTensor; gguf: string }[] {
  let seed = 1;
  const t = (name: string, gguf: string, dims: number[], std: number, mean = 0) => ({
    tensor: { name, dims, data: values(dims.reduce((a, b) => a * b), seed++, std, mean) },
    gguf,
  });
  const out = [
    t('tok_embeddings.weight', 'token_embd.weight', [N_EMBD, nVocab], 1),
    t('norm.weight', 'output_norm.weight', [N_EMBD], 0.1, 1),
    t('output.weight', 'output.weight', [N_EMBD, nVocab], 1 / Math.sqrt(N_EMBD)),
  ];
  for (let i = 0; i < N_LAYER; i++) {
    const w = (old: string, gguf: string, dims: number[]) => t(`layers.${i}.${old}.weight`, `blk.${i}.${gguf}.weight`, dims, 1 / Math.sqrt(dims[0]!));
    out.push(
      w('attention.wq', 'attn_q', [N_EMBD, N_EMBD]),
      w('attention.wk', 'attn_k', [N_EMBD, N_EMBD]),
      w('attention.wv', 'attn_v', [N_EMBD, N_EMBD]),
      w('attention.wo', 'attn_output', [N_EMBD, N_EMBD]),
      w('feed_forward.w1', 'ffn_gate', [N_EMBD, N_FF]),
      w('feed_forward.w2', 'ffn_down', [N_FF, N_EMBD]),
      w('feed_forward.w3', 'ffn_up', [N_EMBD, N_FF]),
      t(`layers.${i}.attention_norm.weight`, `blk.${i}.attn_norm.weight`, [N_EMBD], 0.1, 1),
      t(`layers.${i}.ffn_norm.weight`, `blk.${i}.ffn_norm.weight`, [N_EMBD], 0.1, 1),
    );
  }
  return out;
}

/** LLaMA's vocabulary as the old files stored it: byte tokens as the byte, `▁` as a space, with scores. */
function oldLlamaVocab(): { bytes: Uint8Array; score: number }[] {
  const vocabulary = loadVocabulary('llama-spm');
  const scores = vocabulary.tokenizerKv.find((e) => e.key === 'tokenizer.ggml.scores')!.value as unknown as { value: number[] };
  return vocabularyTokens(vocabulary).texts.map((text, id) => {
    const byte = /^<0x([0-9A-F]{2})>$/.exec(text);
    const bytes = id <= 2 ? new Uint8Array() : byte ? Uint8Array.of(parseInt(byte[1]!, 16)) : Buffer.from(text.replaceAll('▁', ' '));
    return { bytes, score: scores.value[id]! };
  });
}

function tensorBytes(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(length);
    readSync(fd, out, 0, length, offset);
    return out;
  } finally {
    closeSync(fd);
  }
}

describe('a LLaMA ggjt v3 file', () => {
  it('converts to GGUF with its weights unchanged, tokenizes as LLaMA and generates', async () => {
    const vocab = oldLlamaVocab();
    const tensors = llamaTensors(vocab.length);
    const input = join(dir, 'ggml-model-f32.bin');
    writeLegacyGgml(input, { format: 'ggjt', version: 3, hparams: [vocab.length, N_EMBD, 32, N_HEAD, N_LAYER, N_EMBD / N_HEAD, 0], vocab, tensors: tensors.map((t) => t.tensor) });

    // The engine refuses it and names the command.
    await expect(loadModel(input)).rejects.toMatchObject({ code: 'ERR_LEGACY_GGML', message: expect.stringContaining('gpt4all convert') });

    const output = join(dir, 'ggml-model-f32.gguf');
    const result = await convertModel(input, output);
    expect(result).toMatchObject({ path: output, source: 'ggml', architecture: 'llama' });
    expect(readHeaderSummary(output).metadata['llama.block_count']).toBe(N_LAYER);

    const header = readGgufHeader(output);
    for (const { tensor, gguf } of tensors) {
      const info = header.tensors.find((t) => t.name === gguf);
      expect(info, gguf).toBeDefined();
      expect(info!.dims).toEqual(tensor.dims);
      const stored = tensorBytes(output, header.dataOffset + Number(info!.offset), tensor.data.byteLength);
      expect(stored.equals(Buffer.from(tensor.data.buffer)), `${gguf} keeps its values`).toBe(true);
    }

    const model = await loadModel(output);
    const reference = await loadModel(await ensureTestModel({ architecture: 'llama', vocab: 'llama-spm', size: 'tiny', seed: 3 }));
    try {
      for (const text of ['Hello world', ' The quick brown fox, 123.', 'Ünïcödé 日本語']) {
        expect(model.tokenize(text), text).toEqual(reference.tokenize(text));
      }
      const context = await model.createContext({ contextSize: 128 });
      const reply = await context.generate('Once upon a time', { maxTokens: 16, temperature: 0 });
      expect(reply.tokens.length).toBe(16);
      await context.dispose();
    } finally {
      await model.dispose();
      await reference.dispose();
    }
  });
});
