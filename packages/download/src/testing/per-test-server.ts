// Every test of a file gets its own fault-injecting server and empty model folder.
import { afterEach, beforeEach } from 'vitest';
import { FaultServer } from './fault-server.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

export interface PerTestFixture {
  server: FaultServer;
  dir: string;
}

/**
 * Registers hooks that start a server and make a folder before each test, hand them to
 * `receive` (which keeps them in the test file's variables), and close and remove them after the
 * test. A test may close its server early: closing twice is harmless.
 */
export function perTestServer(receive: (fixture: PerTestFixture) => void): void {
  let current: PerTestFixture | undefined;
  beforeEach(async () => {
    current = { server: await FaultServer.start(), dir: await makeTempDir() };
    receive(current);
  });
  afterEach(async () => {
    if (!current) return;
    await current.server.close();
    await removeTempDir(current.dir);
    current = undefined;
  });
}
