#!/usr/bin/env node
// `pnpm bench`: runs the benchmark, writes results/latest.json and results/latest.md, and prints
// the Markdown table. `--profile smoke` runs every figure on tiny sizes in seconds; `--only
// batching` runs only the batching rows (into latest-batching.*); `--render results.json` prints
// the table of an earlier run again.
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
    only: { type: 'string' },
  },
});
if (values.render !== undefined) {
  process.stdout.write(renderReport(JSON.parse(readFileSync(values.render, 'utf8')) as BenchResults));
  process.exit(0);
}
if (values.profile !== 'full' && values.profile !== 'smoke') throw new Error(`--profile is full or smoke, not ${values.profile}`);
const threads = values.threads === undefined ? undefined : Number(values.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads takes a positive integer');
if (values.only !== undefined && values.only !== 'batching') throw new Error(`--only takes batching, not ${values.only}`);
const config = { ...(values.profile === 'smoke' ? smokeConfig(threads) : fullConfig(threads)), ...(values.only === 'batching' && { rows: 'batching' as const }) };

const results = await runBench(config, (line) => process.stderr.write(`${line}\n`));
const report = renderReport(results);
mkdirSync(values.out, { recursive: true });
// A partial run must not stand in for a full one.
const name = config.rows === 'all' ? 'latest' : `latest-${config.rows}`;
writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(values.out, `${name}.md`), report);
process.stdout.write(`\n${report}`);
