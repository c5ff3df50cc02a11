// Downloads a large file from a loopback server with @gpt4all/download and
// with curl, and reports throughput, the ratio to curl and peak RSS.
//
//   node bench/download-bench.mjs [--size-mib 1024] [--runs 3] [--dir <tmp>] [--keep]
//
// The server runs in its own process. Each run starts with `sync` so dirty
// pages of the previous run do not slow the next one. Ours is measured end to
// end: transfer, hashing, size + digest check, fsync and atomic rename (curl
// does none of the checking or fsync). Results go to bench/results/.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const sizeBytes = Number(args['size-mib'] ?? 1024) * 1024 * 1024;
const runs = Number(args.runs ?? 3);
const workDir = args.dir ?? join(tmpdir(), 'gpt4all-download-bench');
const MiB = 1024 * 1024;

if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `pnpm build` in packages/download first.');
  process.exit(1);
}

const curlVersion = spawnSync('curl', ['--version'], { encoding: 'utf8' });
const curl = curlVersion.status === 0 ? curlVersion.stdout.split('\n')[0] : undefined;
if (!curl) {
  console.log('NOTE: curl is not installed, so there is no reference to compare with.');
  console.log('      Install it (e.g. `apt-get install curl`) to get the throughput ratio.\n');
}

await mkdir(workDir, { recursive: true });
const source = await ensureSource(join(workDir, `source-${sizeBytes}.bin`), sizeBytes);
const server = await startServer(source.path);
const url = `http://127.0.0.1:${server.port}/model.gguf`;
const variants = [
  { name: 'ours (sha256 verified)', checksum: { algorithm: 'sha256', value: source.sha256 } },
  { name: 'ours (md5 verified)', checksum: { algorithm: 'md5', value: source.md5 } },
  { name: 'ours (size check only)', checksum: undefined },
];
const samples = new Map();
const record = (name, sample) => samples.set(name, [...(samples.get(name) ?? []), sample]);

try {
  for (let run = 1; run <= runs; run++) {
    if (curl) record('curl', await runCurl(url));
    for (const variant of variants) record(variant.name, await runOurs(url, variant.checksum));
    console.log(`run ${run}/${runs} done`);
  }
} finally {
  server.process.kill('SIGTERM');
  await rm(join(workDir, 'out'), { recursive: true, force: true });
  if (!args.keep) await rm(source.path, { force: true });
}

const curlMedian = curl ? median(samples.get('curl').map((s) => s.throughput)) : undefined;
const rows = [...samples.entries()].map(([name, list]) => {
  const throughput = median(list.map((s) => s.throughput));
  const peakRss = list.some((s) => s.maxRssBytes !== undefined) ? Math.max(...list.map((s) => s.maxRssBytes ?? 0)) : undefined;
  return {
    name,
    medianMiBps: round(throughput / MiB),
    bestMiBps: round(Math.max(...list.map((s) => s.throughput)) / MiB),
    ratioToCurl: curlMedian && name !== 'curl' ? round(throughput / curlMedian, 3) : undefined,
    peakRssMiB: peakRss === undefined ? undefined : round(peakRss / MiB),
    medianSeconds: round(median(list.map((s) => s.seconds)), 2),
    medianLastByteSeconds: round(median(list.map((s) => s.transferSeconds ?? s.seconds)), 2),
  };
});
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  fileBytes: sizeBytes,
  runs,
  curl: curl ?? null,
  baselineNodeRssMiB: round(baselineRss() / MiB),
  rows,
  samples: Object.fromEntries(samples),
};
const table = [
  `Download of ${sizeBytes / MiB} MiB from 127.0.0.1, median of ${runs} runs (Node ${process.version}, ${cpus().length} CPUs).`,
  '',
  '| client | median MiB/s | best MiB/s | ratio to curl | peak RSS MiB | median s: last byte / done |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.medianMiBps} | ${row.bestMiBps} | ${row.ratioToCurl ?? (row.name === 'curl' ? '1' : 'n/a (no curl)')} | ${row.peakRssMiB ?? 'n/a'} | ${row.medianLastByteSeconds} / ${row.medianSeconds} |`,
  ),
  '',
  `An idle Node process has a peak RSS of ${report.baselineNodeRssMiB} MiB here. "done" includes the digest check, fsync and rename.`,
  curl ? `Reference: ${curl}` : 'curl is not installed: no reference run.',
].join('\n');
const resultsDir = join(here, 'results');
await mkdir(resultsDir, { recursive: true });
await writeFile(join(resultsDir, 'download-bench.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(resultsDir, 'download-bench.md'), `${table}\n`);
console.log(`\n${table}\n\nWritten to bench/results/download-bench.{json,md}`);

async function ensureSource(path, size) {
  const meta = `${path}.json`;
  if (existsSync(meta) && existsSync(path) && (await stat(path)).size === size) return { path, ...JSON.parse(await readFile(meta, 'utf8')) };
  console.log(`Creating a ${size / MiB} MiB random file in ${dirname(path)} ...`);
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  const chunk = Buffer.allocUnsafe(MiB);
  const handle = await open(path, 'w');
  for (let done = 0; done < size; done += chunk.length) {
    const piece = chunk.subarray(0, Math.min(chunk.length, size - done));
    randomFillSync(piece);
    md5.update(piece);
    sha256.update(piece);
    await handle.write(piece);
  }
  await handle.close();
  const digests = { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  await writeFile(meta, JSON.stringify(digests));
  return { path, ...digests };
}

function startServer(file) {
  const child = spawn(process.execPath, [join(here, 'loopback-server.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve({ process: child, port: JSON.parse(String(data)).port }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function freshOutput() {
  const out = join(workDir, 'out');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  spawnSync('sync');
  return out;
}

async function runCurl(url) {
  const out = await freshOutput();
  const result = spawnSync('curl', ['-s', '-f', '-o', join(out, 'bench.gguf'), '-w', '%{time_total} %{size_download}', url], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`curl failed: ${result.stderr}`);
  const [seconds, size] = result.stdout.trim().split(' ').map(Number);
  return { seconds, throughput: size / seconds };
}

async function runOurs(url, checksum) {
  const out = await freshOutput();
  const job = JSON.stringify({ url, modelPath: out, size: sizeBytes, checksum });
  const result = spawnSync(process.execPath, [join(here, 'run-download.mjs'), job], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`download failed: ${result.stderr}`);
  const { seconds, transferSeconds, size, maxRssBytes } = JSON.parse(result.stdout.trim().split('\n').pop());
  return { seconds, transferSeconds, throughput: size / seconds, maxRssBytes };
}

function baselineRss() {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS * 1024))'], { encoding: 'utf8' });
  return Number(result.stdout);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value, digits = 1) {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) parsed[key] = true;
    else parsed[key] = argv[++i];
  }
  return parsed;
}
