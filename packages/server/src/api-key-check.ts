import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A check of `Authorization` headers against `apiKey`: true only for `Bearer <apiKey>`.
 * Both sides are hashed first, so the comparison runs on equal-length digests in constant
 * time, and neither the key's length nor its prefix shows in the response time.
 */
export function apiKeyCheck(apiKey: string): (authorization: string | undefined) => boolean {
  const expected = digest(apiKey);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
    // An absent key is compared too, so that a missing header costs what a wrong one does.
    const given = digest(match?.[1] ?? '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
