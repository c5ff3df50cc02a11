// When llama.cpp refuses a file, the error must say why: its message names the real cause (the
// key, the tensor, the shapes, the architecture) rather than "failed to load model", and its
// code is the specific one. Each malformed file is a copy of a valid generated LLaMA model with
// one thing wrong, loaded in a child process (support/load-runner.ts) so that a crash is
// reported as such. llama.cpp's own log lines for each case are in the failure message.
import { GgmlType, GgufValueType, ensureTestModel, ggmlTensorBytes, gguf, setKv, writeGgufFile, type GgufKv, type GgufTensorSource } from '@gpt4all/test-models';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufSource, tensorSources, writeGgufWithKv, type GgufSource } from './support/gguf-source.js';
import { LoadRunner } from './support/load-runner.js';

/** The valid model every case starts from: 2 layers of width 64, 4 heads (head size 16), 2 KV heads. */
const BASE = { architecture: 'llama', vocab: 'llama-spm', seed: 1 } as const;
const LOAD_TIMEOUT_MS = 60_000;

interface ReasonCase {
  name: string;
  /** Writes the malformed file to `path`. */
  write: (path: string, source: GgufSource) => void;
  code: string;
  /** What the message must contain, every one of them. */
  mentions: (string | RegExp)[];
}

function withKv(kv: (kv: readonly GgufKv[]) => GgufKv[]): ReasonCase['write'] {
  return (path, source) => writeGgufWithKv(path, source, kv(source.header.kv));
}

function tokenCount(kv: readonly GgufKv[]): number {
  const tokens = kv.find((e) => e.key === 'tokenizer.ggml.tokens')!.value;
  if (tokens.type !== GgufValueType.ARRAY) throw new Error('tokenizer.ggml.tokens is not an array');
  return tokens.value.length;
}

const cases: ReasonCase[] = [
  {
    name: 'an empty metadata key',
    write: withKv((kv) => [...kv, { key: '', value: gguf.u32(1) }]),
    code: 'ERR_INVALID_GGUF',
    mentions: [/empty/i, /key/i],
  },
  {
    name: 'tokenizer.ggml.scores stored as a UINT8 array',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.scores', gguf.array(GgufValueType.UINT8, new Array<number>(tokenCount(kv)).fill(0)))),
    code: 'ERR_MODEL_LOAD',
    mentions: ['tokenizer.ggml.scores', /type/i],
  },
  {
    name: 'fewer scores than tokens',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.scores', gguf.array(GgufValueType.FLOAT32, new Array<number>(tokenCount(kv) - 1).fill(0)))),
    code: 'ERR_MODEL_LOAD',
    mentions: [/scores/, '31999', '32000'],
  },
  {
    name: 'fewer token types than tokens',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.token_type', gguf.array(GgufValueType.INT32, new Array<number>(tokenCount(kv) - 1).fill(1)))),
    code: 'ERR_MODEL_LOAD',
    mentions: [/toktypes|token_type/, '31999', '32000'],
  },
  {
    name: 'no tokenizer.ggml.tokens',
    write: withKv((kv) => kv.filter((e) => e.key !== 'tokenizer.ggml.tokens')),
    code: 'ERR_MODEL_LOAD',
    mentions: [/tokenizer\.ggml\.tokens|tokenizer vocab/],
  },
  {
    name: 'an unknown tokenizer model',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.model', gguf.str('foo'))),
    code: 'ERR_MODEL_LOAD',
    mentions: [/tokenizer/, "'foo'"],
  },
  {
    name: 'a required key missing',
    write: withKv((kv) => kv.filter((e) => e.key !== 'llama.attention.layer_norm_rms_epsilon')),
    code: 'ERR_MODEL_LOAD',
    mentions: ['llama.attention.layer_norm_rms_epsilon'],
  },
  {
    name: 'a key of the wrong type',
    write: withKv((kv) => setKv(kv, 'llama.attention.layer_norm_rms_epsilon', gguf.str('1e-5'))),
    code: 'ERR_MODEL_LOAD',
    mentions: ['llama.attention.layer_norm_rms_epsilon', /\bstr(ing)?\b/i],
  },
  {
    name: 'a RoPE dimension count other than the head size',
    write: withKv((kv) => setKv(kv, 'llama.rope.dimension_count', gguf.u32(8))),
    code: 'ERR_MODEL_LOAD',
    mentions: [/n_rot|rope\.dimension_count/, '8', '16'],
  },
  {
    name: 'a GPT-J file with LLaMA keys (the GPT-J graph of vendor/patches asks for its own)',
    write: withKv((kv) =>
      kv.map((e) =>
        e.key === 'general.architecture' ? { key: e.key, value: gguf.str('gptj') } : e.key.startsWith('llama.') ? { key: `gptj.${e.key.slice('llama.'.length)}`, value: e.value } : e,
      ),
    ),
    code: 'ERR_MODEL_LOAD',
    mentions: ['gptj.attention.layer_norm_epsilon'],
  },
  {
    name: 'a tensor missing',
    write: (path, source) => writeGgufFile(path, source.header.kv, tensorSources(source).filter((t) => t.name !== 'blk.1.ffn_up.weight')),
    code: 'ERR_MODEL_LOAD',
    mentions: ["'blk.1.ffn_up.weight'"],
  },
  {
    name: 'a tensor of the wrong shape',
    write: (path, source) =>
      writeGgufFile(
        path,
        source.header.kv,
        tensorSources(source).map((t) => (t.name === 'blk.0.attn_q.weight' ? zeros(t.name, [64, 32], t.type) : t)),
      ),
    code: 'ERR_MODEL_LOAD',
    mentions: ["'blk.0.attn_q.weight'", /64,\s*64/, /64,\s*32/],
  },
  {
    name: 'a norm stored as integers',
    write: (path, source) =>
      writeGgufFile(
        path,
        source.header.kv,
        tensorSources(source).map((t) => (t.name === 'output_norm.weight' ? zeros(t.name, t.dims, GgmlType.I32) : t)),
      ),
    // llama.cpp accepts it and aborts when computing: only the engine's own rules can refuse it.
    code: 'ERR_INVALID_GGUF',
    mentions: ["'output_norm.weight'", /i32/i],
  },
];

/** A tensor of zeros: its bytes no longer need to match anything in the source. */
function zeros(name: string, dims: readonly number[], type: GgmlType): GgufTensorSource {
  return { name, dims, type, produce: (write) => write(new Uint8Array(ggmlTensorBytes(type, dims))) };
}

const dir = mkdtempSync(join(tmpdir(), 'gpt4all-load-reasons-'));
const runner = new LoadRunner();
let source: GgufSource;

beforeAll(async () => {
  source = readGgufSource(await ensureTestModel(BASE));
});

afterAll(() => {
  runner.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a file llama.cpp refuses gives the specific code and names the cause', () => {
  it.each(cases)('$name', async ({ name, write, code, mentions }) => {
    const path = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.gguf`);
    write(path, source);
    const outcome = await runner.run({ path, vocabOnly: false }, LOAD_TIMEOUT_MS);
    rmSync(path, { force: true });
    const seen = JSON.stringify(outcome, null, 2);
    expect(outcome.kind, seen).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.stage, seen).toBe('load');
    expect(outcome.code, seen).toBe(code);
    for (const m of mentions) expect(outcome.message, seen).toMatch(m);
  });

  it('the unedited model loads in the runner (so the refusals above are the edits)', async () => {
    const outcome = await runner.run({ path: await ensureTestModel(BASE), vocabOnly: false }, LOAD_TIMEOUT_MS);
    expect(outcome).toEqual({ kind: 'ok' });
  });
});

/** Token texts of the base model's vocabulary, to edit. */
function tokensOf(kv: readonly GgufKv[]): string[] {
  const tokens = kv.find((e) => e.key === 'tokenizer.ggml.tokens')!.value;
  if (tokens.type !== GgufValueType.ARRAY) throw new Error('tokenizer.ggml.tokens is not an array');
  return tokens.value.map((t) => String(t));
}

function withTokens(edit: (tokens: string[]) => string[]): ReasonCase['write'] {
  return withKv((kv) => setKv(kv, 'tokenizer.ggml.tokens', gguf.array(GgufValueType.STRING, edit(tokensOf(kv)))));
}

// Vocabularies that load but break on some text: llama.cpp meets an assertion or throws
// std::out_of_range inside llama_tokenize (not an error it returns), or loops forever. Each
// must end in a typed error, at load or at the first tokenize that needs the broken part, in
// both load modes. The runner's prompt holds a newline and a character outside the BMP.
const vocabularyCases: (Omit<ReasonCase, 'code'> & { stages: string[] })[] = [
  {
    name: 'a SentencePiece vocabulary without the byte token <0xF0>',
    write: withTokens((tokens) => tokens.map((t) => (t === '<0xF0>' ? 'not-a-byte-F0' : t))),
    stages: ['tokenize'],
    mentions: ['the vocabulary cannot tokenize this text'],
  },
  {
    name: 'a SentencePiece vocabulary without the newline byte token',
    write: withTokens((tokens) => tokens.map((t) => (t === '<0x0A>' ? 'not-a-byte-0A' : t))),
    stages: ['tokenize'],
    mentions: ['the vocabulary cannot tokenize this text'],
  },
  {
    name: 'tokenizer.ggml.model "none" (no tokenizer at all)',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.model', gguf.str('none'))),
    stages: ['load'],
    mentions: ['Tokenizer not initialized'],
  },
  {
    name: 'tokenizer.ggml.model "rwkv" over SentencePiece tokens (would loop forever)',
    write: withKv((kv) => setKv(kv, 'tokenizer.ggml.model', gguf.str('rwkv'))),
    stages: ['load'],
    mentions: ['tokenizer.ggml.tokens', 'RWKV', 'not a token itself'],
  },
  {
    name: 'a token text that appears twice',
    write: withTokens((tokens) => tokens.map((t, i) => (i === 1000 ? tokens[999]! : t))),
    stages: ['load'],
    mentions: ['tokenizer.ggml.tokens', 'appears twice'],
  },
];

describe('a vocabulary that breaks on some text gives a typed error, never a crash or a hang', () => {
  it.each(vocabularyCases.flatMap((c) => [false, true].map((vocabOnly) => ({ ...c, vocabOnly }))))(
    '$name (vocabOnly: $vocabOnly)',
    async ({ name, write, stages, mentions, vocabOnly }) => {
      const path = join(dir, `vocab-${name.replace(/[^a-z0-9]+/gi, '-')}.gguf`);
      write(path, source);
      const outcome = await runner.run({ path, vocabOnly }, LOAD_TIMEOUT_MS);
      rmSync(path, { force: true });
      const seen = JSON.stringify(outcome, null, 2);
      expect(outcome.kind, seen).toBe('error');
      if (outcome.kind !== 'error') return;
      expect(stages, seen).toContain(outcome.stage);
      expect(outcome.code, seen).toBe('ERR_INVALID_GGUF');
      for (const m of mentions) expect(outcome.message, seen).toMatch(m);
    },
  );
});
