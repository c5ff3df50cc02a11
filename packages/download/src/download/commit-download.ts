import { rename, unlink } from 'node:fs/promises';
import { sameDigest } from '../checksum/checksum.js';
import { ChecksumError } from '../errors/checksum-error.js';
import { syncDirectory } from '../fs/atomic-write.js';
import type { DownloadResult } from './download-result.js';
import type { DownloadTarget } from './download-target.js';
import type { PartPaths } from './part-file.js';
import type { ProgressMeter } from './progress-meter.js';
import { discardPart, type TransferState } from './transfer-state.js';
import { writeVerifiedStamp } from './verified-stamp.js';

/**
 * Finishes a complete transfer: checks size and digest (deleting the part on
 * a mismatch), then fsyncs the data, renames the part to the final name and
 * fsyncs the directory. The final name only ever appears complete and verified.
 */
export async function commit(
  target: DownloadTarget,
  paths: PartPaths,
  directory: string,
  meter: ProgressMeter,
  state: TransferState,
  assertLockHeld: () => Promise<void>,
): Promise<DownloadResult> {
  const fail = async (error: ChecksumError): Promise<never> => {
    // A bad file is worthless for resuming too: delete it.
    await discardPart(paths, state);
    throw error;
  };
  if (target.size !== undefined && state.offset !== target.size) {
    await fail(new ChecksumError({ algorithm: 'size', expected: String(target.size), actual: String(state.offset), path: paths.part }));
  }
  let checksum: DownloadResult['checksum'];
  if (state.hash && target.checksum) {
    meter.setPhase('verifying', state.offset);
    const actual = await state.hash.digest();
    if (!sameDigest(actual, target.checksum.value)) {
      await fail(new ChecksumError({ algorithm: target.checksum.algorithm, expected: target.checksum.value, actual, path: paths.part }));
    }
    checksum = { algorithm: target.checksum.algorithm, value: actual };
  }
  // Durable before visible: data on disk, then the rename, then the directory entry.
  await state.handle.sync();
  await state.handle.close();
  await assertLockHeld();
  await rename(paths.part, paths.final);
  await syncDirectory(directory);
  await unlink(paths.meta).catch(() => undefined);
  if (checksum) await writeVerifiedStamp(directory, target.filename, checksum);
  return {
    path: paths.final,
    filename: target.filename,
    size: state.offset,
    checksum,
    status: 'downloaded',
    entry: target.entry,
    resumedFrom: state.resumedFrom,
    bytesTransferred: state.received,
    url: target.url,
  };
}
