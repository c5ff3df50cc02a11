// A server in a process of its own, as the CLI runs one: started with the options given as
// JSON in argv[2], it prints `{ url, models }` as one line once listening, and on SIGTERM closes
// (letting requests in flight finish) and exits 0. Imports the build made by test/global-setup.ts.
import { startServer } from '../node_modules/.cache/server-under-test/index.js';

const { quiet, ...options } = JSON.parse(process.argv[2] ?? '{}');
const server = await startServer({ ...options, log: quiet ? () => {} : (line) => process.stderr.write(`${line}\n`) });
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`close failed: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
});
process.stdout.write(`${JSON.stringify({ url: server.url, models: server.models })}\n`);
