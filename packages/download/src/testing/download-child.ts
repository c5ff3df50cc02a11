// Child process used by the multi-process tests (bundled by global-setup).
// argv[2]: JSON { source, options }. Prints one JSON line per event.
import { downloadModel } from '../index.js';

const { source, options } = JSON.parse(process.argv[2] ?? '{}') as { source: string; options: Record<string, unknown> };
const print = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};
const handle = downloadModel(source, { ...options, retry: { minDelayMs: 20, maxDelayMs: 100 } });
let lastBytes = -1;
handle.on('progress', (progress) => {
  if (progress.bytes !== lastBytes) print({ type: 'progress', phase: progress.phase, bytes: progress.bytes });
  lastBytes = progress.bytes;
});
handle.on('waiting', (info) => print({ type: 'waiting', holderPid: info.holderPid }));
handle.on('restart', (info) => print({ type: 'restart', ...info }));
handle.promise.then(
  (result) => print({ type: 'result', result }),
  (error: { code?: string; message?: string }) => {
    print({ type: 'error', code: error.code, message: error.message });
    process.exitCode = 1;
  },
);
