// One measured download in a fresh process, so that its peak RSS is its own.
// argv[2]: JSON { url, modelPath, size, checksum? }. Prints a JSON result line.
import { downloadModel } from '../dist/index.js';

const { url, modelPath, size, checksum } = JSON.parse(process.argv[2]);
const started = performance.now();
// When the last byte arrived; the rest is digest, fsync and rename.
let receivedAt;
const onProgress = (progress) => {
  if (progress.phase === 'downloading' && progress.bytes === size) receivedAt ??= performance.now();
};
const result = await downloadModel(url, { modelPath, filename: 'bench.gguf', expectedSize: size, checksum, onProgress }).promise;
const finished = performance.now();
process.stdout.write(
  `${JSON.stringify({
    seconds: (finished - started) / 1000,
    transferSeconds: ((receivedAt ?? finished) - started) / 1000,
    size: result.size,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
