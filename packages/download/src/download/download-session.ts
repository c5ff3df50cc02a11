import { mkdir } from 'node:fs/promises';
import { abortableDelay, abortedErrorFrom, throwIfAborted } from '../control/abort-signal.js';
import { ChecksumError } from '../errors/checksum-error.js';
import { DownloadHttpError } from '../errors/download-http-error.js';
import { DownloadNetworkError } from '../errors/download-network-error.js';
import { DownloadProtocolError } from '../errors/download-protocol-error.js';
import { assertDiskSpace } from '../fs/disk-space.js';
import { acquireFileLock } from '../fs/file-lock.js';
import { HttpProtocolFailure } from '../http/http-protocol-failure.js';
import { HttpStatusFailure, requestRange, type RangeResponse } from '../http/http-range-request.js';
import { HttpParseError } from '../http/http-response-parser.js';
import { isRetryableNetworkError, retryDelayMs, type RetryOptions } from '../http/retry-policy.js';
import { BodyWriter } from './body-writer.js';
import { commit } from './commit-download.js';
import type { DownloadResult } from './download-result.js';
import type { DownloadTarget } from './download-target.js';
import { fileSizeOrZero, partPaths, resumeValidator, writePartMeta, type PartMeta, type PartPaths } from './part-file.js';
import { ProgressMeter, type DownloadProgress } from './progress-meter.js';
import {
  discardPart,
  openPart,
  restartFromZero,
  truncatePart,
  type RestartReason,
  type TransferHooks,
  type TransferState,
} from './transfer-state.js';
import { verifyLocalFile } from './verify-local-file.js';

export type { DownloadResult, RestartReason };

/** Callbacks a session reports to (the handle turns them into events). */
export interface SessionEvents {
  progress(progress: DownloadProgress): void;
  retry(info: { attempt: number; delayMs: number; error: Error }): void;
  restart(info: { reason: RestartReason; discardedBytes: number }): void;
  waiting(info: { lockPath: string; holderPid: number | undefined }): void;
}

/** Settings of one session (already defaulted by `downloadModel`). */
export interface SessionOptions {
  directory: string;
  force: boolean;
  headers: Record<string, string>;
  ca: string | Buffer | undefined;
  retry: RetryOptions;
  idleTimeoutMs: number | undefined;
  lockStaleMs: number | undefined;
  checkDiskSpace: boolean;
  hashInWorker: boolean;
  signal: AbortSignal;
  events: SessionEvents;
}

/**
 * One download of `target` into `options.directory`: lock, reuse a verified
 * file, else transfer with resume/retry, verify, fsync, rename atomically.
 */
export async function runDownload(target: DownloadTarget, options: SessionOptions): Promise<DownloadResult> {
  const paths = partPaths(options.directory, target.filename);
  await mkdir(options.directory, { recursive: true });
  const meter = new ProgressMeter(options.events.progress);
  meter.total = target.size;
  try {
    return await locked(target, paths, options, meter);
  } finally {
    meter.stop();
  }
}

/** {@link runDownload} once its progress meter exists: a verified file already there, else a transfer under the lock. */
async function locked(target: DownloadTarget, paths: PartPaths, options: SessionOptions, meter: ProgressMeter): Promise<DownloadResult> {
  if (!options.force) {
    // Fast path without the lock (works in a read-only model directory).
    const present = await existingResult(target, paths, options, meter);
    if (present) return present;
  }
  let waited = false;
  const lock = await acquireFileLock(paths.lock, {
    signal: options.signal,
    staleMs: options.lockStaleMs,
    onWait: (holder) => {
      waited = true;
      options.events.waiting({ lockPath: paths.lock, holderPid: holder?.pid });
      meter.setPhase('waiting', 0);
    },
  });
  try {
    if (!options.force && waited) {
      // The process we waited for has probably produced the file.
      const present = await existingResult(target, paths, options, meter);
      if (present) return present;
    }
    return await transfer(target, paths, options, meter, lock.assertHeld);
  } finally {
    await lock.release();
  }
}

async function existingResult(
  target: DownloadTarget,
  paths: PartPaths,
  options: SessionOptions,
  meter: ProgressMeter,
): Promise<DownloadResult | undefined> {
  let hashing = false;
  const status = await verifyLocalFile(options.directory, target.filename, target, 'checksum', {
    signal: options.signal,
    onProgress: (bytes, total) => {
      if (!hashing) {
        hashing = true;
        meter.total = total;
        meter.setPhase('verifying', 0);
      }
      meter.update(bytes);
    },
  });
  meter.total = target.size;
  if (status.state !== 'valid') return undefined; // missing or corrupt: (re)download replaces it atomically
  const size = await fileSizeOrZero(paths.final);
  return {
    path: paths.final,
    filename: target.filename,
    size,
    checksum: target.checksum,
    status: 'already-present',
    entry: target.entry,
    resumedFrom: 0,
    bytesTransferred: 0,
    url: target.url,
  };
}

async function transfer(
  target: DownloadTarget,
  paths: PartPaths,
  options: SessionOptions,
  meter: ProgressMeter,
  assertLockHeld: () => Promise<void>,
): Promise<DownloadResult> {
  const state = await openPart(target, paths, hooks(options));
  try {
    if (options.checkDiskSpace && target.size !== undefined) {
      await assertDiskSpace(options.directory, target.size - state.offset);
    }
    if (state.hash && state.offset > 0) {
      meter.setPhase('resuming', 0);
      await state.hash.updateFromFile(paths.part, state.offset, (bytes) => meter.update(bytes));
    }
    meter.resumedFrom = state.resumedFrom;
    await receive(target, paths, options, meter, state);
    return await commit(target, paths, options.directory, meter, state, assertLockHeld);
  } catch (error) {
    // An empty part is worth nothing for a resume; leave no litter behind.
    if (state.offset === 0) await discardPart(paths, state);
    throw error;
  } finally {
    state.hash?.dispose();
    await state.handle.close().catch(() => undefined);
  }
}

async function receive(
  target: DownloadTarget,
  paths: PartPaths,
  options: SessionOptions,
  meter: ProgressMeter,
  state: TransferState,
): Promise<void> {
  let failures = 0;
  let attempts = 0;
  // One clean restart without Range is allowed for a resume answered with the wrong bytes; a
  // server that still answers wrongly then fails with DownloadProtocolError.
  let restartedForMismatch = false;
  for (;;) {
    throwIfAborted(options.signal);
    attempts += 1;
    const startOffset = state.offset;
    let bodyStart = state.offset;
    let reply: RangeResponse | undefined;
    try {
      reply = await requestRange({
        url: target.url,
        start: state.offset,
        ifRange: state.offset > 0 ? resumeValidator(state.meta) : undefined,
        headers: options.headers,
        ca: options.ca,
        signal: options.signal,
        idleTimeoutMs: options.idleTimeoutMs,
      });
      if (!(await alignWithPart(reply, options, state))) continue;
      bodyStart = state.offset;
      const total = reply.totalSize ?? target.size;
      if (target.size !== undefined && reply.totalSize !== undefined && reply.totalSize !== target.size) {
        // The server announces another size for the whole file: not the file the catalog
        // describes. Fail before fetching gigabytes.
        await discardPart(paths, state);
        throw new ChecksumError({ algorithm: 'size', expected: String(target.size), actual: String(reply.totalSize), path: reply.url });
      }
      if (state.offset === 0 && options.checkDiskSpace && target.size === undefined && total !== undefined) {
        // Size only known now; the unread body waits meanwhile.
        await assertDiskSpace(options.directory, total);
      }
      if (state.offset === 0 || state.meta === undefined) {
        // Record what this part is a prefix of before writing its first (new) byte.
        state.meta = { version: 1, url: target.url, etag: reply.etag, lastModified: reply.lastModified, totalSize: total, checksum: target.checksum };
        await writePartMeta(paths.meta, state.meta);
      }
      meter.total = total;
      meter.setPhase('downloading', state.offset);
      // Where this body must end: its Content-Range or Content-Length, else the expected size.
      const end = reply.end ?? total;
      const writer = new BodyWriter(state.handle, state.offset, state.hash, end, (position) => meter.update(position));
      try {
        await reply.pipeTo(writer);
      } catch (error) {
        if (!writer.overflowed) throw error;
      } finally {
        // Whatever happened, everything received is now on disk and hashed.
        await writer.flush().catch((error: unknown) => {
          if (!writer.overflowed) throw error;
        });
        state.received += writer.position - state.offset;
        state.offset = writer.position;
      }
      if (writer.overflowed) {
        const detail = `the body is longer than ${announcement(reply, (end as number) - reply.start)}`;
        throw new HttpProtocolFailure('length-mismatch', reply.status, reply.url, detail);
      }
      if (end !== undefined && state.offset < end) {
        // A close-delimited or chunked body that ended early: a transfer error, resumed from here.
        const detail = `response ended after ${state.offset - reply.start} bytes, short of ${announcement(reply, end - reply.start)}`;
        throw Object.assign(new Error(detail), { code: 'ECONNRESET' });
      }
      if (total !== undefined && state.offset < total) {
        // A valid range that ends before the file does: its bytes are in place; ask for the rest.
        failures = 0;
        continue;
      }
      meter.update(state.offset, true);
      return;
    } catch (error) {
      reply?.discard(); // no-op once the body was consumed; closes it otherwise
      if (options.signal.aborted) throw abortedErrorFrom(options.signal);
      if (state.offset > startOffset) failures = 0; // progress was made: a fresh retry budget
      failures += 1;
      if (error instanceof HttpProtocolFailure) {
        if (reply === undefined && startOffset > 0 && !restartedForMismatch) {
          // The answer to the resume cannot be placed in the part (RFC 9110 §14.4): its body was
          // not read. Start over once without Range.
          restartedForMismatch = true;
          await restartFromZero(state, hooks(options), 'range-mismatch');
          continue;
        }
        // Bytes of a mis-framed body are not trusted; the ones before it came from consistent
        // responses and stay for a later resume (an empty part is removed by the caller).
        await truncatePart(state, bodyStart);
        throw finalError(error, target, attempts);
      }
      if (error instanceof HttpStatusFailure && error.status === 416 && state.offset > 0) {
        if (partIsComplete(state, target, error.completeLength)) {
          // RFC 9110 §15.5.17: the range starts at the end of the file, so the part holds every
          // byte. If-Range was sent with it, so the 416 speaks of the version the part belongs to;
          // the size and digest are checked on commit.
          meter.total = state.offset;
          meter.update(state.offset, true);
          return;
        }
        await restartFromZero(state, hooks(options), 'range-not-satisfiable');
        continue;
      }
      const retryable = error instanceof HttpStatusFailure ? error.retryable : isRetryableNetworkError(error);
      if (!retryable || failures > (options.retry.retries ?? 5)) throw finalError(error, target, attempts);
      const delayMs = retryDelayMs(failures, options.retry, error instanceof HttpStatusFailure ? error.retryAfterMs : undefined);
      options.events.retry({ attempt: attempts, delayMs, error: error as Error });
      await abortableDelay(delayMs, options.signal);
    }
  }
}

/** The promised body length of `reply` and who promised it, for messages. */
function announcement(reply: RangeResponse, bytes: number): string {
  if (reply.contentRange !== undefined) return `the ${bytes} bytes of Content-Range ${JSON.stringify(reply.contentRange)}`;
  if (reply.end !== undefined) return `the ${bytes} bytes announced by Content-Length`;
  return `the expected size of ${bytes} bytes`;
}

/**
 * True when a 416 says the resource is exactly as long as the part (`Content-Range: bytes *\/N`,
 * RFC 9110 §15.5.17) and nothing known disagrees (expected size, size recorded in the metadata).
 */
function partIsComplete(state: TransferState, target: DownloadTarget, completeLength: number | undefined): boolean {
  return (
    completeLength !== undefined &&
    completeLength === state.offset &&
    (target.size === undefined || target.size === completeLength) &&
    (state.meta?.totalSize === undefined || state.meta.totalSize === completeLength)
  );
}

/**
 * Makes the response line up with the `.part` file. {@link requestRange} only
 * returns bodies that start where asked or, in a 200, at byte 0. Returns false
 * when the caller must send a new request (the response was discarded).
 */
async function alignWithPart(reply: RangeResponse, options: SessionOptions, state: TransferState): Promise<boolean> {
  if (state.offset === 0) return true;
  if (reply.start !== state.offset) {
    // A 200 with the file from byte 0: If-Range failed (new version) or the
    // server ignores Range. Start over with it.
    const changed = remoteChanged(state.meta, reply);
    await restartFromZero(state, hooks(options), changed ? 'remote-changed' : 'range-ignored');
    return true;
  }
  if (remoteChanged(state.meta, reply)) {
    // The range asked for, but of another version (a server that ignored If-Range): never splice.
    reply.discard();
    await restartFromZero(state, hooks(options), 'remote-changed');
    return false;
  }
  return true;
}

function remoteChanged(meta: PartMeta | undefined, reply: RangeResponse): boolean {
  if (meta === undefined) return false;
  if (meta.etag && reply.etag && meta.etag !== reply.etag) return true;
  if (meta.lastModified && reply.lastModified && meta.lastModified !== reply.lastModified) return true;
  return meta.totalSize !== undefined && reply.totalSize !== undefined && meta.totalSize !== reply.totalSize;
}

function finalError(error: unknown, target: DownloadTarget, attempts: number): Error {
  if (error instanceof HttpProtocolFailure) {
    return new DownloadProtocolError(
      { reason: error.reason, status: error.status, url: error.url, attempts, detail: error.detail },
      { cause: error },
    );
  }
  if (error instanceof HttpStatusFailure) {
    return new DownloadHttpError({ status: error.status, url: error.url, attempts, detail: error.detail }, { cause: error });
  }
  if (isRetryableNetworkError(error) || error instanceof HttpParseError) {
    return new DownloadNetworkError({ url: target.url, attempts, reason: (error as Error).message }, { cause: error });
  }
  return error as Error;
}

function hooks(options: SessionOptions): TransferHooks {
  return { hashInWorker: options.hashInWorker, onRestart: (info) => options.events.restart(info) };
}
