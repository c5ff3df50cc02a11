#!/usr/bin/env node
// `pnpm bench`: runs the benchmark, writes results/latest.json and results/latest.md, and prints
// the Markdown table. `--profile smoke` runs every figure on tiny sizes in seconds; `--render
// results.json` prints the table of an earlier run again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fullConfig, smokeConfig } from './config.js';
import { renderReport } from './report.js';
import type { BenchResults } from './results.js';
import { runBench } from './run-bench.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'full' },
    threads: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../results', import.meta.url)) },
    render: { type: 'string' },
  },
});
if (values.render !== undefined) {
  process.stdout.write(renderReport(JSON.parse(readFileSync(values.render, 'utf8')) as BenchResults));
  process.exit(0);
}
if (values.profile !== 'full' && values.profile !== 'smoke') throw new Error(`--profile is full or smoke, not ${values.profile}`);
const threads = values.threads === undefined ? undefined : Number(values.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads takes a positive integer');
const config = values.profile === 'smoke' ? smokeConfig(threads) : fullConfig(threads);

const results = await runBench(config, (line) => process.stderr.write(`${line}\n`));
const report = renderReport(results);
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(values.out, 'latest.md'), report);
process.stdout.write(`\n${report}`);
