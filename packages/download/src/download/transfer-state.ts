import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createIncrementalHash, type IncrementalHash } from '../checksum/checksum.js';
import type { DownloadTarget } from './download-target.js';
import { fileSizeOrZero, readPartMeta, removePart, resumeValidator, type PartMeta, type PartPaths } from './part-file.js';

/**
 * Why a download threw its `.part` bytes away and started again from byte 0:
 * - `range-ignored`: a resume was answered with the whole file (a 200 without a matching `Content-Range`);
 * - `remote-changed`: the validators (ETag, Last-Modified) or the size differ from the part's;
 * - `range-mismatch`: the answer to a resume was not the range asked for, or its `Content-Range` or
 *   `Content-Length` was invalid (RFC 9110 §14.4, §8.6); done once per download, then it fails;
 * - `range-not-satisfiable`: a 416 that does not show the part is already complete (RFC 9110 §15.5.17);
 * - `untrusted-part`: a `.part` from an earlier process that cannot be tied to this remote file.
 */
export type RestartReason = 'range-ignored' | 'remote-changed' | 'range-mismatch' | 'range-not-satisfiable' | 'untrusted-part';

/** How a transfer reports a restart, and how it hashes. */
export interface TransferHooks {
  hashInWorker: boolean;
  onRestart(info: { reason: RestartReason; discardedBytes: number }): void;
}

/** The open `.part` file of a transfer and what is known about its bytes. */
export interface TransferState {
  handle: FileHandle;
  hash: IncrementalHash | undefined;
  meta: PartMeta | undefined;
  /** Bytes of the `.part` file, all written and hashed. */
  offset: number;
  resumedFrom: number;
  received: number;
}

/**
 * Opens (or creates) the `.part` file and decides whether its bytes can be
 * resumed; untrusted bytes are discarded.
 */
export async function openPart(target: DownloadTarget, paths: PartPaths, hooks: TransferHooks): Promise<TransferState> {
  const meta = await readPartMeta(paths.meta);
  let offset = await fileSizeOrZero(paths.part);
  // Resuming is only safe when we know the part belongs to this exact remote
  // file: same URL and checksum, and either a validator for If-Range or a
  // checksum that will catch a mix of two versions.
  const matchingMeta =
    meta !== undefined &&
    meta.url === target.url &&
    meta.checksum?.value === target.checksum?.value &&
    (resumeValidator(meta) !== undefined || target.checksum !== undefined) &&
    offset <= (target.size ?? meta.totalSize ?? Number.POSITIVE_INFINITY);
  // A part without metadata (another tool's, or metadata lost) is only
  // resumed when the final checksum and size will catch a wrong prefix.
  const checkedOrphan =
    meta === undefined && target.checksum !== undefined && target.size !== undefined && offset < target.size;
  const trusted = matchingMeta || checkedOrphan;
  // O_RDWR without O_APPEND: positional writes must land where we say.
  const handle = await open(paths.part, constants.O_RDWR | constants.O_CREAT, 0o644);
  if (offset > 0 && !trusted) {
    await handle.truncate(0);
    hooks.onRestart({ reason: 'untrusted-part', discardedBytes: offset });
    offset = 0;
  }
  const hash = target.checksum
    ? createIncrementalHash(target.checksum.algorithm, { worker: hooks.hashInWorker })
    : undefined;
  return { handle, hash, meta: matchingMeta ? meta : undefined, offset, resumedFrom: offset, received: 0 };
}

/** Truncates the part to zero bytes and resets the digest: the next body starts at byte 0. */
export async function restartFromZero(state: TransferState, hooks: TransferHooks, reason: RestartReason): Promise<void> {
  const discardedBytes = state.offset;
  await state.handle.truncate(0);
  state.offset = 0;
  state.resumedFrom = 0;
  state.meta = undefined;
  if (state.hash) {
    const algorithm = state.hash.algorithm;
    state.hash.dispose();
    state.hash = createIncrementalHash(algorithm, { worker: hooks.hashInWorker });
  }
  hooks.onRestart({ reason, discardedBytes });
}

/**
 * Cuts the part back to `length` bytes, dropping bytes that came from a response found to be
 * mis-framed. The digest has seen the dropped bytes, so the transfer must stop; a later run
 * re-hashes the part from disk and resumes from `length`.
 */
export async function truncatePart(state: TransferState, length: number): Promise<void> {
  if (state.offset <= length) return;
  await state.handle.truncate(length);
  state.received -= state.offset - length;
  state.offset = length;
}

/** Closes and deletes the part file and its metadata (closing first: Windows cannot delete open files). */
export async function discardPart(paths: PartPaths, state: TransferState): Promise<void> {
  await state.handle.close().catch(() => undefined);
  await removePart(paths);
}
