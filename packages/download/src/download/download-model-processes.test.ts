import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startChild, type ChildEvent } from '../testing/child-process.js';
import { FaultServer, makeContent } from '../testing/fault-server.js';
import { fileSha256, listModelDir } from '../testing/temp-dir.js';
import { perTestServer } from '../testing/per-test-server.js';

// Real child processes (the bundled download-child script) against one loopback server.
const content = makeContent(2_000_000);
const script = inject('childScript');

let server: FaultServer;
let dir: string;

perTestServer((fixture) => ({ server, dir } = fixture));

function childOptions(): Record<string, unknown> {
  return {
    modelPath: dir,
    expectedSize: content.body.length,
    checksum: { algorithm: 'sha256', value: content.sha256 },
  };
}

function result(events: ChildEvent[]): Record<string, unknown> {
  const event = events.find((candidate) => candidate.type === 'result');
  if (!event) throw new Error(`no result in ${JSON.stringify(events.filter((e) => e.type !== 'progress'))}`);
  return event.result as Record<string, unknown>;
}

describe('downloadModel across processes', () => {
  it('two processes downloading the same file perform one download', async () => {
    // Slow enough (about 0.6 s) for the second process to arrive mid-download.
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.sendFile({ body: content.body, etag: '"v1"' }, { throttle: { chunk: 64 * 1024, intervalMs: 20 } }),
    );
    const first = startChild(script, server.url('/m.gguf'), childOptions());
    await first.waitFor((event) => event.type === 'progress' && (event.bytes as number) > 0);
    const second = startChild(script, server.url('/m.gguf'), childOptions());
    const [firstExit, secondExit] = await Promise.all([first.exited, second.exited]);
    expect(firstExit.code).toBe(0);
    expect(secondExit.code).toBe(0);

    expect(result(first.events)).toMatchObject({ status: 'downloaded' });
    expect(result(second.events)).toMatchObject({ status: 'already-present', path: join(dir, 'm.gguf') });
    expect(second.events.some((event) => event.type === 'waiting' && event.holderPid === first.process.pid)).toBe(true);
    expect(server.requestsFor('/m.gguf')).toHaveLength(1);
    expect(server.bytesServed('/m.gguf')).toBe(content.body.length);
    expect(await fileSha256(join(dir, 'm.gguf'))).toBe(content.sha256);
    expect(await listModelDir(dir)).toEqual(['m.gguf']);
  });

  it('a process killed with SIGKILL is resumed by a new process from where it stopped', async () => {
    server.route('/m.gguf', (_req, _res, ctx) =>
      ctx.sendFile(
        { body: content.body, etag: '"v1"' },
        ctx.attempt === 1 ? { throttle: { chunk: 32 * 1024, intervalMs: 10 } } : {},
      ),
    );
    const victim = startChild(script, server.url('/m.gguf'), childOptions());
    // Bytes reach the disk one 1 MiB slot at a time: wait until the first slot must be written.
    await victim.waitFor((event) => event.type === 'progress' && (event.bytes as number) >= 1_300_000);
    victim.process.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    // What survived the kill: a prefix in the .part file, and a lock whose holder is dead.
    const kept = (await stat(join(dir, 'm.gguf.part'))).size;
    expect(kept).toBeGreaterThanOrEqual(1024 * 1024);
    expect(kept).toBeLessThan(content.body.length);
    expect(await listModelDir(dir)).toEqual(['m.gguf.lock', 'm.gguf.part', 'm.gguf.part.json']);

    const heir = startChild(script, server.url('/m.gguf'), childOptions());
    expect((await heir.exited).code).toBe(0);
    expect(result(heir.events)).toMatchObject({ status: 'downloaded', resumedFrom: kept, bytesTransferred: content.body.length - kept });
    expect(heir.events.some((event) => event.type === 'restart')).toBe(false);

    const [first, second] = server.requestsFor('/m.gguf');
    expect(first?.range).toBeUndefined();
    expect(second?.range).toBe(`bytes=${kept}-`);
    expect(second?.ifRange).toBe('"v1"');
    expect(second?.bytesSent).toBe(content.body.length - kept);
    expect(await fileSha256(join(dir, 'm.gguf'))).toBe(content.sha256);
    expect(await listModelDir(dir)).toEqual(['m.gguf']);
  });
});
