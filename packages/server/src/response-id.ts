import { randomBytes } from 'node:crypto';

/** A response id in OpenAI's style: `prefix` (`chatcmpl`, `cmpl`) and 24 random characters. */
export function responseId(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
}

/** Now, in Unix seconds (OpenAI's `created`). */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
