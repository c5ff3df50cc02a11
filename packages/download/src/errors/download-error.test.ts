import { describe, expect, it } from 'vitest';
import { AbortedError } from './aborted-error.js';
import { CatalogInvalidError } from './catalog-invalid-error.js';
import { ChecksumError } from './checksum-error.js';
import { DownloadHttpError } from './download-http-error.js';
import { DownloadError } from './download-error.js';
import { DownloadProtocolError } from './download-protocol-error.js';
import { InsufficientDiskError } from './insufficient-disk-error.js';
import { ModelNotFoundError } from './model-not-found-error.js';
import { UnsafeFilenameError } from './unsafe-filename-error.js';

describe('DownloadError', () => {
  it('gives every class a stable code and typed fields', () => {
    const checksum = new ChecksumError({ algorithm: 'md5', expected: 'aa', actual: 'bb', path: '/m/x.gguf' });
    expect(checksum).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH', name: 'ChecksumError', expected: 'aa', actual: 'bb' });
    expect(checksum.message).toContain('expected aa, got bb');
    expect(new DownloadHttpError({ status: 404, url: 'http://h/x', attempts: 1 }).code).toBe('ERR_DOWNLOAD_HTTP');
    expect(new ModelNotFoundError({ model: 'x', searchedPaths: ['/a/x'], reason: 'download-disabled' }).message).toContain('/a/x');
    expect(new UnsafeFilenameError({ filename: '../x', reason: 'r' }).code).toBe('ERR_UNSAFE_FILENAME');
    expect(new InsufficientDiskError({ requiredBytes: 2, availableBytes: 1, directory: '/d' }).code).toBe('ERR_INSUFFICIENT_DISK');
    expect(new AbortedError()).toMatchObject({ code: 'ERR_ABORTED', name: 'AbortError' });
    expect(new CatalogInvalidError({ issues: ['[0].name: missing'], source: 'f' }).code).toBe('ERR_CATALOG_INVALID');
    const protocol = new DownloadProtocolError({ reason: 'range-mismatch', status: 206, url: 'http://h/x', attempts: 2, detail: 'Content-Range "bytes 5-9/10"' });
    expect(protocol).toMatchObject({ code: 'ERR_DOWNLOAD_PROTOCOL', name: 'DownloadProtocolError', reason: 'range-mismatch', status: 206 });
    expect(protocol.message).toBe('HTTP 206 from http://h/x does not match the request: Content-Range "bytes 5-9/10" (after 2 attempts)');
  });

  it('matches by class brand, so it survives duplicate installs and is exact', () => {
    const error = new ChecksumError({ algorithm: 'sha256', expected: 'a', actual: 'b', path: 'p' });
    // What a second copy of the package would create: other classes, the same brands.
    const foreign = Object.assign(new Error('other copy'), { code: 'ERR_CHECKSUM_MISMATCH' });
    for (const id of ['gpt4all.error', '@gpt4all/download:DownloadError', '@gpt4all/download:ChecksumError']) {
      Object.defineProperty(foreign, Symbol.for(id), { value: true });
    }

    expect(ChecksumError.isInstance(error)).toBe(true);
    expect(ChecksumError.isInstance(foreign)).toBe(true);
    expect(DownloadError.isInstance(foreign)).toBe(true);
    expect(DownloadHttpError.isInstance(error)).toBe(false);
    expect(ChecksumError.isInstance(Object.assign(new Error('x'), { code: 'ERR_CHECKSUM_MISMATCH' }))).toBe(false);
    expect(DownloadError.isInstance(null)).toBe(false);
    // Another package's error with the shared base brand is not a download error.
    const engineError = Object.assign(new Error('too long'), { code: 'ERR_CONTEXT_OVERFLOW' });
    Object.defineProperty(engineError, Symbol.for('gpt4all.error'), { value: true });
    expect(DownloadError.isInstance(engineError)).toBe(false);
    expect(error).toBeInstanceOf(DownloadError);
  });

  it('keeps the brand out of enumeration and JSON', () => {
    const error = new AbortedError('stop', { cause: new Error('why') });
    // Brands live on the prototypes, non-enumerable.
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('gpt4all.error')]).toBe(true);
    expect(JSON.stringify(error)).toBe('{"code":"ERR_ABORTED","name":"AbortError"}');
    expect((error.cause as Error).message).toBe('why');
  });
});
