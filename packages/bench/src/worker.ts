// An engine process: `node worker.js <job.json> <result.json>`. Runs one job for one engine and
// writes its result; the harness (run-bench.ts) starts one such process per job.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Job, JobResults } from './jobs.js';
import { nodeLlamaCppMemory, nodeLlamaCppThroughput } from './node-llama-cpp.js';
import { oursConstrained, oursEmbed, oursGenerate, oursMemory, oursThroughput, oursTtft } from './ours.js';
import { oursParallelStreams } from './parallel-streams.js';
import { serverParallelStreams } from './server-streams.js';
import { oursSessionMemory } from './session-memory.js';

async function run(job: Job): Promise<JobResults[Job['kind']]> {
  if (job.engine === 'node-llama-cpp') {
    if (job.kind === 'throughput') return nodeLlamaCppThroughput(job);
    if (job.kind === 'memory') return nodeLlamaCppMemory(job);
    throw new Error(`node-llama-cpp has no ${job.kind} job`);
  }
  switch (job.kind) {
    case 'throughput':
      return oursThroughput(job);
    case 'generate':
      return oursGenerate(job);
    case 'ttft':
      return oursTtft(job);
    case 'memory':
      return oursMemory(job);
    case 'embed':
      return oursEmbed(job);
    case 'constrained':
      return oursConstrained(job);
    case 'streams':
      return job.via === 'context' ? oursParallelStreams(job) : serverParallelStreams(job);
    case 'sessions':
      return oursSessionMemory(job);
  }
}

const [jobPath, resultPath] = process.argv.slice(2);
if (!jobPath || !resultPath) throw new Error('usage: worker.js <job.json> <result.json>');
const job = JSON.parse(readFileSync(jobPath, 'utf8')) as Job;
// @gpt4all/chat and the server load models with no backend option: they get the job's variant
// from the environment, as every measurement through @gpt4all/core gets it from its option.
process.env['GPT4ALL_BACKEND'] = job.backend;
const result = await run(job);
writeFileSync(resultPath, JSON.stringify(result));
// node-llama-cpp may keep handles open after dispose; the job is done either way.
process.exit(0);
