// The child process of load-runner.ts: loads model files one after another, exactly as an
// application would, and answers each job with one JSON line. It runs in its own process so
// that a file which kills it (a signal from llama.cpp's abort()) costs this process only.
//
// stdin:  one job per line, {"id", "path", "vocabOnly", "embedding"}
// stdout: one result per line, {"id", "ok", "stage", "code", "name", "message", "log"}
//         stage: the step that failed (load, tokenize, context, evaluate, generate, embed, dispose);
//         log: llama.cpp's warning and error lines during the job (the first 50).
// stderr: "load-runner stage: <stage>" before each step, so that a crash says where it happened.
import { createInterface } from 'node:readline';
import { loadModel, setLogHandler } from '@gpt4all/core';

// Plain words, a newline and characters outside the BMP and Latin-1, so that SentencePiece's
// byte fallback and the tokenizer's rarer paths run too.
const PROMPT = 'Hello world, 1 2 3\n\u{1D518} \u00FCn\u00EFc\u00F6de \u2713';
const MAX_LOG_LINES = 50;
let log = [];
setLogHandler((level, line) => {
  if (log.length < MAX_LOG_LINES) log.push(`${level}: ${line}`);
}, 'warn');

async function run(job) {
  let stage = enter('load');
  let model;
  let result = { ok: true };
  try {
    model = await loadModel(job.path, { vocabOnly: job.vocabOnly });
    stage = enter('tokenize');
    const tokens = model.tokenize(PROMPT, { addSpecial: true });
    model.detokenize(tokens);
    if (!job.vocabOnly && job.embedding) {
      stage = enter('embed');
      await model.embed(PROMPT);
    } else if (!job.vocabOnly) {
      stage = enter('context');
      const context = await model.createContext({ contextSize: 64, threads: 1 });
      stage = enter('evaluate');
      await context.evaluate(tokens.length > 0 ? tokens : [0]);
      stage = enter('generate');
      await context.generate(' and', { maxTokens: 2, temperature: 0 });
    }
  } catch (error) {
    result = failure(stage, error);
  }
  try {
    enter('dispose');
    await model?.dispose();
  } catch (error) {
    if (result.ok) result = failure('dispose', error);
  }
  return result;
}

function enter(stage) {
  process.stderr.write(`load-runner stage: ${stage}\n`);
  return stage;
}

function failure(stage, error) {
  return { ok: false, stage, code: error?.code, name: error?.name, message: error?.message ?? String(error) };
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const job = JSON.parse(line);
  log = [];
  const result = await run(job);
  process.stdout.write(`${JSON.stringify({ id: job.id, ...result, log })}\n`);
}
