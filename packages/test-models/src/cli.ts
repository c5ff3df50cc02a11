#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARCHITECTURE_NAMES, type ArchitectureName } from './architectures/registry.js';
import { listVendoredChatTemplates } from './chat-template.js';
import { ggufMutations } from './gguf-mutations.js';
import { ensureTestModel } from './model-cache.js';
import type { ModelScript } from './model-script.js';
import type { ModelDims, SizePreset } from './model-size.js';
import { writeTestModel, type TestModelFileType, type TestModelOptions } from './test-model.js';
import { listVendoredVocabularies } from './vocabulary.js';

const USAGE = `Usage:
  gpt4all-test-model --arch <arch> [--vocab <name|path>] [--size tiny|bench|E,L,H,HKV,FF,CTX]
                     [--seed <n>] [--type F32|F16] [--template <name|jinja>]
                     [--script '<json: {"emit": [ids or text pieces], "then"?: id or piece}>']
                     (--out <file> | --cache [dir])
  gpt4all-test-model --mutate <valid.gguf> --out-dir <dir> [--count <n>] [--seed <n>]
  gpt4all-test-model --list

Writes GGUF models with random weights (deterministic from the seed) using
llama.cpp's vendored vocabularies. With --script, greedy decoding emits exactly
the script's tokens. For tests and benchmarks only.`;

function parseSize(text: string): SizePreset | ModelDims {
  if (text === 'tiny' || text === 'bench') return text;
  const n = text.split(',').map(Number);
  if (n.length !== 6 || n.some((x) => !Number.isInteger(x))) throw new Error(`bad --size '${text}'`);
  const [embeddingLength, blockCount, headCount, headCountKv, feedForwardLength, contextLength] = n as [
    number, number, number, number, number, number,
  ];
  return { embeddingLength, blockCount, headCount, headCountKv, feedForwardLength, contextLength };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      arch: { type: 'string' },
      vocab: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      type: { type: 'string' },
      template: { type: 'string' },
      script: { type: 'string' },
      out: { type: 'string' },
      cache: { type: 'boolean' },
      'cache-dir': { type: 'string' },
      mutate: { type: 'string' },
      'out-dir': { type: 'string' },
      count: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (values.help) return void console.log(USAGE);
  if (values.list) {
    console.log(`architectures: ${ARCHITECTURE_NAMES.join(', ')}`);
    console.log(`vocabularies:  ${listVendoredVocabularies().join(', ')}`);
    console.log(`templates:     ${listVendoredChatTemplates().join(', ')}`);
    return;
  }
  if (values.mutate) {
    const outDir = values['out-dir'];
    if (!outDir) throw new Error('--mutate needs --out-dir');
    mkdirSync(outDir, { recursive: true });
    const mutations = ggufMutations(values.mutate, Number(values.count ?? 42), seed);
    mutations.forEach((m, i) => {
      const file = join(outDir, `${String(i).padStart(3, '0')}-${m.kind}.gguf`);
      m.writeTo(file);
      console.log(`${file}\t${m.mustReject ? 'must-reject' : 'may-load'}\t${m.label}`);
    });
    return;
  }
  if (!values.arch || !ARCHITECTURE_NAMES.includes(values.arch as ArchitectureName)) {
    throw new Error(`--arch must be one of ${ARCHITECTURE_NAMES.join(', ')}`);
  }
  const options: TestModelOptions = {
    architecture: values.arch as ArchitectureName,
    vocab: values.vocab,
    chatTemplate: values.template,
    size: values.size === undefined ? undefined : parseSize(values.size),
    seed,
    fileType: values.type as TestModelFileType | undefined,
    script: values.script === undefined ? undefined : (JSON.parse(values.script) as ModelScript),
  };
  if (values.cache || values['cache-dir']) {
    console.log(await ensureTestModel(options, values['cache-dir']));
    return;
  }
  if (!values.out) throw new Error('--out or --cache is required');
  const info = await writeTestModel({ ...options, outPath: values.out });
  const mib = (info.bytes / 2 ** 20).toFixed(1);
  console.log(`${info.path}: ${info.name}, ${info.parameterCount} parameters, ${mib} MiB, ${info.seconds.toFixed(2)} s`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`gpt4all-test-model: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exitCode = 1;
});
