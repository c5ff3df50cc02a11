// Independent parity with Hugging Face transformers (PyTorch on the CPU): tiny random checkpoints
// of each architecture of the seeds that has a transformers class (GPT-J, LLaMA, Qwen2, MPT,
// Falcon, GPTBigCode/StarCoder) are written by support/hf_reference.py, converted by the real
// `gpt4all convert --outtype f32`, and run by the engine: the tokenization of each prompt, the
// first step's logits (within 1e-3; the maximum difference is printed) and 32 greedy tokens must
// equal what transformers computes and `generate(do_sample=False)` returns. Exact float32 on our
// side takes an f32 KV cache and flash attention off (llama.cpp's flash attention computes in
// float16). The Python environment is `gpt4all convert`'s own, prepared under the cache folder
// on the first run and reused; the test is skipped, saying so, only where PyPI cannot be reached.
import { prepareConverterEnvironment, type ConverterEnvironment } from '@gpt4all/convert';
import { loadModel } from '@gpt4all/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/llama-tools.js';
import { cliPath } from './support/rpc-workers.js';

interface ReferenceCase {
  prompt: string;
  ids: number[];
  generated: number[];
  logits: string;
}
type Reference = Record<string, { architecture: string; dir: string; cases: ReferenceCase[]; refused?: boolean }>;

/** The checkpoints support/hf_reference.py writes: one per architecture, and the variants the upstream converter got wrong. */
const ARCHITECTURES = ['gptj', 'llama', 'qwen2', 'mpt', 'falcon', 'gptbigcode', 'falcon2', 'gptbigcode-mha'];
/** Checkpoints llama.cpp cannot run as they are (ALiBi Falcon, GPT-J with exact GELU): refused, not converted into something else. */
const REFUSED = ['falcon-alibi', 'gptj-exact-gelu'];
/** GPT-2's `<|endoftext|>`, the checkpoints' end of sequence: transformers keeps it in its output, the engine stops before it. */
const EOS = 50256;
const dir = mkdtempSync(join(tmpdir(), 'gpt4all-hf-parity-'));
let environment: ConverterEnvironment | undefined;
let unreachable: string | undefined;
let reference: Reference;
const differences: string[] = [];

beforeAll(async () => {
  try {
    environment = await prepareConverterEnvironment();
  } catch (error) {
    const log = String((error as { log?: string }).log ?? '');
    // pip's words when the index cannot be reached at all.
    if (/NewConnectionError|Temporary failure in name resolution|Network is unreachable|Could not fetch URL|No matching distribution found/.test(log)) {
      unreachable = `PyPI cannot be reached, so the converter's environment cannot be made: ${log.split('\n').at(-1)}`;
      return;
    }
    throw error;
  }
  execFileSync(environment.python, [join(repoRoot, 'tests/support/hf_reference.py'), join(repoRoot, 'vendor/llama.cpp'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
});

afterAll(() => {
  if (differences.length > 0) console.log(`maximum |logit difference| against transformers:\n${differences.join('\n')}`);
  rmSync(dir, { recursive: true, force: true });
});

describe('parity with Hugging Face transformers after gpt4all convert', () => {
  for (const name of ARCHITECTURES) {
    it(name, async (context) => {
      if (unreachable) context.skip(unreachable);
      const { architecture, dir: checkpoint, cases } = reference[name]!;
      const gguf = join(dir, `${name}.gguf`);
      execFileSync(process.execPath, [cliPath, 'convert', checkpoint, gguf, '--outtype', 'f32'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const model = await loadModel(gguf);
      try {
        expect(model.info.quantization).toBe('F32');
        const ctx = await model.createContext({ contextSize: 256, kvCacheType: 'f32', flashAttention: false });
        let worst = 0;
        for (const c of cases) {
          expect(model.tokenize(c.prompt), `tokens of ${JSON.stringify(c.prompt)}`).toEqual(c.ids);
          const logits = await ctx.logits(c.ids);
          const expected = new Float32Array(readFileSync(join(dir, c.logits)).buffer.slice(0));
          expect(logits.length).toBe(expected.length);
          let max = 0;
          for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(logits[i]! - expected[i]!));
          expect(max, `first-step logits of ${JSON.stringify(c.prompt)}`).toBeLessThan(1e-3);
          worst = Math.max(worst, max);
          await ctx.clear();
          const ours = await ctx.generate(c.ids, { maxTokens: 32, temperature: 0, repeatPenalty: 1 });
          const theirs = c.generated.at(-1) === EOS ? c.generated.slice(0, -1) : c.generated;
          expect(ours.tokens, `greedy tokens after ${JSON.stringify(c.prompt)}`).toEqual(theirs);
          expect(ours.finishReason).toBe(theirs.length < c.generated.length ? 'eog' : 'length');
          await ctx.clear();
        }
        differences.push(`  ${name} (${architecture}): ${worst.toExponential(2)}`);
        await ctx.dispose();
      } finally {
        await model.dispose();
      }
    });
  }

  for (const name of REFUSED) {
    it(`${name} is refused with the reason`, (context) => {
      if (unreachable) context.skip(unreachable);
      const gguf = join(dir, `${name}.gguf`);
      const result = spawnSync(process.execPath, [cliPath, 'convert', reference[name]!.dir, gguf], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/cannot be converted: .*(alibi|activation_function).* \(ERR_CONVERT_UNSUPPORTED\)/);
      expect(readdirSync(dir).filter((file) => (file.includes(name) && file.endsWith('.gguf')) || file.startsWith('.gpt4all-'))).toEqual([]);
    });
  }
});
