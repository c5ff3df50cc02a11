// Test-only self-signed certificate for `localhost`, made with the openssl command line. Not exported.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Path of an openssl binary, or undefined (tests that need a certificate skip then). */
export const opensslPath = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((path) => existsSync(path));

/** A one-day certificate for `localhost` and its key (PEM), written into `dir` (key.pem, cert.pem). */
export async function selfSignedCert(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  if (!opensslPath) throw new Error('openssl is not installed');
  execFileSync(opensslPath, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  return { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) };
}
