// Shared by the examples: which model to run. `--model` takes a path to a GGUF file, a file name
// in your model directory, or a name from GPT4All's catalog (downloaded on first use).
// Without it, a model is generated on the spot with RANDOM WEIGHTS and a real tokenizer: the
// text is gibberish, but every step (templates, KV cache, sampling, embeddings) is real.
import { ensureTestModel } from '@gpt4all/test-models';

/** The generated stand-ins: a Qwen2 chat model with Qwen 2.5's template, and a BERT embedder. */
export const generatedModels = {
  chat: { architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen2.5-7B-Instruct', size: 'tiny', seed: 21 },
  embedding: {
    architecture: 'bert',
    vocab: 'bert-bge',
    size: { embeddingLength: 256, blockCount: 2, headCount: 4, headCountKv: 4, feedForwardLength: 512, contextLength: 512 },
    seed: 3,
  },
};

let announced = false;

/** The `--model` value, or a generated model of `kind` (announced once as random weights). */
export async function modelOrGenerated(model, kind) {
  if (model) return model;
  const path = await ensureTestModel(generatedModels[kind]);
  if (!announced) {
    console.log('No --model given: using a generated test model with RANDOM WEIGHTS (expect gibberish).');
    console.log('Pass --model with a GGUF path or a GPT4All model name for a real one.\n');
    announced = true;
  }
  return path;
}

/** `--threads` as a number, or undefined (the engine's default: the physical cores). */
export function threadsOption(value) {
  return value === undefined ? undefined : Number(value);
}
