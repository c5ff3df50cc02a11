// What @gpt4all/core produces for the Python tests to compare with: reads a request (JSON file,
// argv[2]), builds the test models it names with @gpt4all/test-models, and prints JSON:
// { paths: {key: path}, generations: [{ text, tokens }], embeddings: [[...floats]], contract }.
import { DEFAULTS, ENGINE_ERROR_CODES, STATUS_NUMBERS, loadModel } from '@gpt4all/core';
import { ensureTestModel } from '@gpt4all/test-models';
import { readFileSync } from 'node:fs';

const request = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const paths = {};
for (const [key, options] of Object.entries(request.models)) paths[key] = await ensureTestModel(options);

const generations = [];
for (const { model, prompt, maxTokens } of request.generate ?? []) {
  const loaded = await loadModel(paths[model]);
  const context = await loaded.createContext({ contextSize: 2048, threads: 2 });
  const result = await context.generate(prompt, { maxTokens, temperature: 0, repeatPenalty: 1 }); // the tests' GREEDY
  generations.push({ text: result.text, tokens: result.tokens });
  await loaded.dispose();
}
const embeddings = [];
for (const { model, texts } of request.embed ?? []) {
  const loaded = await loadModel(paths[model]);
  embeddings.push((await loaded.embed(texts)).map((vector) => Array.from(vector)));
  await loaded.dispose();
}
const contract = { defaults: DEFAULTS, errorCodes: ENGINE_ERROR_CODES, statusNumbers: STATUS_NUMBERS };
process.stdout.write(JSON.stringify({ paths, generations, embeddings, contract }));
